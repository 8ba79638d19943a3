import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  DEFAULT_SECRET_SERVICE,
  SecretStoreError,
  createInProcessProbe,
  createKeytarSecretStore,
  createMemorySecretStore,
  keychainAccount,
  loadKeytar,
  openSecretStore,
} from '../../../main/session/secret-store.js';
import type { Keyring } from '../../helpers/keyring.js';
import { keyringOrSkip, processExists, tryStartKeyring } from '../../helpers/keyring.js';
import { tempDir } from '../../helpers/temp-dir.js';

const CHILD = join(import.meta.dirname, 'fixtures', 'secret-store-child.ts');

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...filesUnder(path));
    else out.push(path);
  }
  return out;
}

/** The files under `dirs` whose bytes contain `secret`. */
function filesHolding(secret: string, ...dirs: string[]): string[] {
  return dirs.flatMap(filesUnder).filter((f) => readFileSync(f).includes(Buffer.from(secret, 'utf8')));
}

interface ChildResult {
  kind: string;
  warning: string | null;
  warnings: string[];
  got?: string | null;
}

/** Runs openSecretStore in a fresh process with exactly the D-Bus environment given. */
function runChild(env: Record<string, string>, args: Record<string, unknown>): ChildResult {
  const base: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env))
    if (
      v !== undefined &&
      !/^(DBUS_SESSION_BUS_ADDRESS|DISPLAY|WAYLAND_DISPLAY|HOME|XDG_RUNTIME_DIR)$/.test(k)
    )
      base[k] = v;
  const r = spawnSync(process.execPath, ['--import', 'tsx', CHILD, JSON.stringify(args)], {
    env: { ...base, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.equal(r.status, 0, `child failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as ChildResult;
}

const secret = () => `tok-${randomBytes(12).toString('hex')}`;

describe('openSecretStore with a real gnome-keyring', () => {
  let keyring: Keyring | Error | undefined;
  const savedBus = process.env.DBUS_SESSION_BUS_ADDRESS;

  before(async () => {
    keyring = await tryStartKeyring();
    // keytar (libsecret over GDBus) reads the address when it first connects, so setting it here, before any
    // keytar call in this process, is enough: the product code talks to the daemon in-process.
    if (!(keyring instanceof Error))
      process.env.DBUS_SESSION_BUS_ADDRESS = keyring.env.DBUS_SESSION_BUS_ADDRESS;
  });
  after(async () => {
    if (keyring && !(keyring instanceof Error)) await keyring.stop();
    if (savedBus === undefined) delete process.env.DBUS_SESSION_BUS_ADDRESS;
    else process.env.DBUS_SESSION_BUS_ADDRESS = savedBus;
  });

  it('keeps a secret in the keyring, where a restarted spooler finds it, and in no readable file', async (t) => {
    const k = keyringOrSkip(t, keyring);
    if (!k) return;
    const dataDir = join(tempDir(t), 'data');
    mkdirSync(dataDir);
    const warnings: string[] = [];
    const store = await openSecretStore({ dataDir, warn: (m) => warnings.push(m) });
    assert.equal(store.kind, 'keychain');
    assert.equal(store.warning, null);
    assert.deepEqual(warnings, []);

    const value = secret();
    await store.set('session-token', value);
    assert.equal(await store.get('session-token'), value);
    // Filed under the documented service and account, straight from the keychain.
    const keytar = await loadKeytar();
    assert.equal(
      await keytar.getPassword(DEFAULT_SECRET_SERVICE, keychainAccount('session-token', dataDir)),
      value,
    );
    assert.match(keychainAccount('session-token', dataDir), /^session-token@[0-9a-f]{16}$/);
    // No probe entry left behind.
    assert.equal(
      await keytar.getPassword(DEFAULT_SECRET_SERVICE, keychainAccount('keychain-probe', dataDir)),
      null,
    );

    // Another process (a restart) reads it back through the daemon.
    const restarted = runChild(k.env, { dataDir, get: 'session-token' });
    assert.deepEqual(restarted, { kind: 'keychain', warning: null, warnings: [], got: value });

    // The keyring wrote its own file, encrypted: the secret is in no file under the data dir or HOME.
    const keyringFiles = filesUnder(join(k.home, '.local', 'share', 'keyrings'));
    assert.ok(
      keyringFiles.some((f) => f.endsWith('.keyring')),
      `keyring files: ${keyringFiles.join(', ')}`,
    );
    assert.deepEqual(filesHolding(value, dataDir, k.home), []);
  });

  it('keeps the entries of two data dirs apart', async (t) => {
    if (!keyringOrSkip(t, keyring)) return;
    const dir = tempDir(t);
    const warn = () => assert.fail('no warning expected');
    const a = await openSecretStore({ dataDir: join(dir, 'a'), warn });
    // The in-process probe (macOS, Windows) against the same real daemon.
    const b = await openSecretStore({
      dataDir: join(dir, 'b'),
      warn,
      probe: createInProcessProbe(await loadKeytar()),
    });
    assert.equal(b.kind, 'keychain');
    const va = secret();
    await a.set('session-token', va);
    assert.equal(await b.get('session-token'), null);
    const vb = secret();
    await b.set('session-token', vb);
    assert.equal(await a.get('session-token'), va);
    assert.equal(await b.get('session-token'), vb);
    await b.delete('session-token');
    assert.equal(await a.get('session-token'), va);
  });

  it('deletes an entry so that a fresh store cannot read it', async (t) => {
    const k = keyringOrSkip(t, keyring);
    if (!k) return;
    const dataDir = join(tempDir(t), 'data');
    const warn = () => assert.fail('no warning expected');
    const store = await openSecretStore({ dataDir, warn });
    await store.set('refresh-token', secret());
    await store.delete('refresh-token');
    await store.delete('refresh-token'); // absent: not an error
    const fresh = await openSecretStore({ dataDir, warn });
    assert.equal(await fresh.get('refresh-token'), null);
    assert.equal(runChild(k.env, { dataDir, get: 'refresh-token' }).got, null);
  });
});

describe('the test keyring', () => {
  it('leaves no daemon and no folder behind when stopped', async (t) => {
    const started = await tryStartKeyring();
    const k = keyringOrSkip(t, started);
    if (!k) return;
    assert.equal(k.pids.length, 2);
    assert.ok(k.pids.every(processExists));
    await k.stop();
    assert.deepEqual(k.pids.filter(processExists), [], 'dbus-daemon and gnome-keyring-daemon are gone');
    assert.throws(() => statSync(k.home), /ENOENT/);
  });
});

describe('openSecretStore without a keychain', () => {
  const expectMemory = (r: ChildResult, reason: RegExp) => {
    assert.equal(r.kind, 'memory');
    assert.equal(r.warnings.length, 1, `one warning: ${JSON.stringify(r.warnings)}`);
    const [warning] = r.warnings;
    assert.equal(r.warning, warning);
    assert.match(warning ?? '', /^No OS keychain \(Secret Service\) is reachable: /);
    assert.match(warning ?? '', reason);
    assert.match(
      warning ?? '',
      /Sessions are kept in memory only: you will have to log in again after each restart/,
    );
  };

  it('falls back to memory with one clear warning when the bus address points nowhere, and writes no file', (t) => {
    const dir = tempDir(t);
    const home = join(dir, 'home');
    const dataDir = join(dir, 'data');
    mkdirSync(home);
    mkdirSync(dataDir);
    const value = secret();
    const r = runChild(
      { DBUS_SESSION_BUS_ADDRESS: `unix:path=${join(dir, 'nowhere')}`, HOME: home },
      { dataDir, set: ['session-token', value], get: 'session-token' },
    );
    expectMemory(r, /Could not connect: No such file or directory\./);
    assert.equal(r.got, value, 'the memory store still works for this run');
    assert.deepEqual(filesUnder(dir), [], 'nothing written under the data dir or HOME');
  });

  it('says why when there is no session bus at all', (t) => {
    const dir = tempDir(t);
    const r = runChild({ HOME: dir }, { dataDir: join(dir, 'data'), get: 'session-token' });
    expectMemory(r, /Cannot autolaunch D-Bus without X11 \$DISPLAY\./);
    assert.equal(r.got, null);
    assert.deepEqual(filesUnder(dir), []);
  });

  it('gives up on a bus that accepts but never answers, after the timeout', async (t) => {
    const dir = tempDir(t);
    const socket = join(dir, 'silent-bus');
    const held: Socket[] = [];
    const silent = createServer((s) => held.push(s));
    await new Promise<void>((resolve) => silent.listen(socket, resolve));
    t.after(() => {
      for (const s of held) s.destroy();
      silent.close();
    });
    // spawnSync would block the loop that serves the silent bus: spawn asynchronously.
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', CHILD, JSON.stringify({ dataDir: join(dir, 'data'), timeoutMs: 300 })],
      { env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: `unix:path=${socket}`, DISPLAY: '' } },
    );
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    // It must end by itself: a keychain call stuck in the spooler's own process would keep it alive forever.
    const guard = setTimeout(() => child.kill('SIGKILL'), 30_000);
    const [code, signal] = (await once(child, 'exit')) as [number | null, string | null];
    clearTimeout(guard);
    assert.deepEqual([code, signal], [0, null], 'the process ended by itself');
    assert.ok(held.length > 0, 'the probe did connect to the silent bus');
    expectMemory(JSON.parse(out) as ChildResult, /it did not answer within 0\.3 s\./);
  });

  it('falls back when the keychain module cannot load', async (t) => {
    const warnings: string[] = [];
    const store = await openSecretStore({
      dataDir: tempDir(t),
      warn: (m) => warnings.push(m),
      loadKeychain: () => Promise.reject(new Error("Cannot find module '../build/Release/keytar.node'")),
      platform: 'linux',
    });
    assert.equal(store.kind, 'memory');
    assert.deepEqual(warnings, [store.warning]);
    assert.match(
      warnings[0] ?? '',
      /^No OS keychain \(Secret Service\) can be used: the keychain module \(keytar\) did not load \(Cannot find module '\.\.\/build\/Release\/keytar\.node'\)\. Sessions are kept in memory only/,
    );
  });
});

describe('the keychain store', () => {
  it('turns a keychain call that never returns into a timeout error', async () => {
    const never = () => new Promise<never>(() => undefined);
    const store = createKeytarSecretStore(
      { getPassword: never, setPassword: never, deletePassword: never },
      { dataDir: '/tmp/x', timeoutMs: 50, platform: 'darwin' },
    );
    await assert.rejects(store.set('session-token', 'the-secret-value'), (err: unknown) => {
      assert.ok(err instanceof SecretStoreError);
      assert.equal(err.code, 'keychain-timeout');
      assert.match(
        err.message,
        /^The OS keychain \(macOS Keychain\) did not answer within 0\.05 s while saving a secret\./,
      );
      assert.ok(!err.message.includes('the-secret-value'));
      return true;
    });
  });

  it('names the keychain failure without the secret', async () => {
    const fail = () =>
      Promise.reject(new Error('The name org.freedesktop.secrets was not provided by any .service files'));
    const store = createKeytarSecretStore(
      { getPassword: fail, setPassword: fail, deletePassword: fail },
      { dataDir: '/tmp/x', platform: 'linux' },
    );
    await assert.rejects(store.set('session-token', 'the-secret-value'), (err: unknown) => {
      assert.ok(err instanceof SecretStoreError);
      assert.equal(err.code, 'keychain-failed');
      assert.match(
        err.message,
        /Secret Service\) failed while saving a secret: The name org\.freedesktop\.secrets was not/,
      );
      assert.ok(!err.message.includes('the-secret-value'));
      return true;
    });
  });
});

describe('the memory store', () => {
  it('keeps, replaces and deletes values, and refuses odd key names', async () => {
    const store = createMemorySecretStore('why');
    assert.equal(store.kind, 'memory');
    assert.equal(store.warning, 'why');
    assert.equal(await store.get('session-token'), null);
    await store.set('session-token', 'a');
    await store.set('session-token', 'b');
    assert.equal(await store.get('session-token'), 'b');
    await store.delete('session-token');
    assert.equal(await store.get('session-token'), null);
    await assert.rejects(store.set('../etc', 'x'), /Secret key names are 1-64 lowercase letters/);
  });
});
