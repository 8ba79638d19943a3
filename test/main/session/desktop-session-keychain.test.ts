// The desktop session with the real OS keychain: a gnome-keyring on a private D-Bus (test/helpers/keyring.ts).
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SESSION_TOKEN_KEY } from '../../../main/session/desktop-session.js';
import {
  DEFAULT_SECRET_SERVICE,
  keychainAccount,
  loadKeytar,
  openSecretStore,
} from '../../../main/session/secret-store.js';
import type { Keyring } from '../../helpers/keyring.js';
import { keyringOrSkip, tryStartKeyring } from '../../helpers/keyring.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { PASSWORD, openDesktop, startCloud } from './session-fixture.js';

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe('desktop session with a real gnome-keyring', () => {
  let keyring: Keyring | Error | undefined;
  const savedBus = process.env.DBUS_SESSION_BUS_ADDRESS;
  before(async () => {
    keyring = await tryStartKeyring();
    // keytar reads the address when it first connects: set before any keytar call in this process.
    if (!(keyring instanceof Error))
      process.env.DBUS_SESSION_BUS_ADDRESS = keyring.env.DBUS_SESSION_BUS_ADDRESS;
  });
  after(async () => {
    if (keyring && !(keyring instanceof Error)) await keyring.stop();
    if (savedBus === undefined) delete process.env.DBUS_SESSION_BUS_ADDRESS;
    else process.env.DBUS_SESSION_BUS_ADDRESS = savedBus;
  });

  it('keeps the session token in the keychain and in no file under the data dir; logout removes it', async (t) => {
    if (!keyringOrSkip(t, keyring)) return;
    const cloud = await startCloud(t);
    const dataDir = tempDir(t, 'cps-desk-');
    const warnings: string[] = [];
    const secrets = await openSecretStore({ dataDir, warn: (m) => warnings.push(m) });
    assert.equal(secrets.kind, 'keychain');
    assert.deepEqual(warnings, []);
    const desk = await openDesktop(t, cloud, { dataDir, secrets });
    await desk.capture('held.pdf');

    const state = await desk.session.login('user-a', PASSWORD);
    assert.deepEqual(state.keychain, { kind: 'keychain', warning: null });
    const keytar = await loadKeytar();
    const account = keychainAccount(SESSION_TOKEN_KEY, dataDir);
    const token = await keytar.getPassword(DEFAULT_SECRET_SERVICE, account);
    assert.ok(token && token.length >= 16);
    const holding = filesUnder(dataDir).filter((f) => readFileSync(f).includes(Buffer.from(token, 'utf8')));
    assert.deepEqual(holding, []);

    // A restarted desktop over the same data dir resumes from the keychain.
    desk.session.close();
    const again = await openDesktop(t, cloud, { dataDir, secrets });
    assert.equal(await again.session.restore(), true);
    assert.equal(again.session.currentUserId(), cloud.ids['user-a']);

    await again.session.logout();
    assert.equal(await keytar.getPassword(DEFAULT_SECRET_SERVICE, account), null);
  });
});
