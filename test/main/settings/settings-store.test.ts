import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createMemorySecretStore } from '../../../main/session/secret-store.js';
import type { SecretStore } from '../../../main/session/secret-store.js';
import { SettingsError } from '../../../main/settings/settings-error.js';
import {
  PROXY_PASSWORD_KEY,
  SETTINGS_FILE,
  openSettingsStore,
} from '../../../main/settings/settings-store.js';
import { nodeFileSystem } from '../../../main/spool/file-system.js';
import { tempDir } from '../../helpers/temp-dir.js';

const PASSWORD = 'Pr0xy-secret-value';

async function rejectsWith(promise: Promise<unknown>, code: string, message: RegExp): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof SettingsError, `a SettingsError, got ${String(err)}`);
    assert.equal(err.code, code);
    assert.match(err.message, message);
    return true;
  });
}

const readJson = (dataDir: string) =>
  JSON.parse(readFileSync(join(dataDir, SETTINGS_FILE), 'utf8')) as unknown;

describe('the settings store', () => {
  it('follows the system proxy until told otherwise, and writes nothing until then', async (t) => {
    const dataDir = tempDir(t);
    const store = await openSettingsStore({ dataDir, secrets: createMemorySecretStore() });
    assert.deepEqual(store.get(), { proxy: { mode: 'system' } });
    assert.deepEqual(await store.resolveProxy(), { mode: 'system' });
    assert.deepEqual(readdirSync(dataDir), []);
  });

  it('keeps the proxy password in the secret store and only "passwordSet" in the file', async (t) => {
    const dataDir = tempDir(t);
    const secrets = createMemorySecretStore();
    const store = await openSettingsStore({ dataDir, secrets });
    const view = await store.setProxy({
      mode: 'manual',
      url: 'HTTP://Proxy.Example.COM:3128/',
      username: 'alice',
      password: PASSWORD,
    });
    const expected = {
      mode: 'manual',
      url: 'http://proxy.example.com:3128',
      passwordSet: true,
      username: 'alice',
    };
    assert.deepEqual(view, expected);
    assert.deepEqual(readJson(dataDir), { version: 1, proxy: expected });
    assert.ok(!readFileSync(join(dataDir, SETTINGS_FILE)).includes(PASSWORD));
    assert.equal(statSync(join(dataDir, SETTINGS_FILE)).mode & 0o777, 0o600);
    assert.deepEqual(readdirSync(dataDir), [SETTINGS_FILE], 'no temp file left');
    assert.equal(await secrets.get(PROXY_PASSWORD_KEY), PASSWORD);

    // A restart with the same keychain finds both halves again.
    const again = await openSettingsStore({ dataDir, secrets });
    assert.deepEqual(await again.resolveProxy(), {
      mode: 'manual',
      url: 'http://proxy.example.com:3128',
      username: 'alice',
      password: PASSWORD,
    });
  });

  it('keeps the password for the same proxy and user, and drops it for another proxy', async (t) => {
    const dataDir = tempDir(t);
    const secrets = createMemorySecretStore();
    const store = await openSettingsStore({ dataDir, secrets });
    await store.setProxy({ mode: 'manual', url: 'http://p1:3128', username: 'alice', password: PASSWORD });
    // The UI sends the setting back without the password: it stays.
    await store.setProxy({ mode: 'manual', url: 'http://p1:3128', username: 'alice' });
    assert.deepEqual(await store.resolveProxy(), {
      mode: 'manual',
      url: 'http://p1:3128',
      username: 'alice',
      password: PASSWORD,
    });
    // Another proxy: credentials typed for p1 are never sent to p2.
    const moved = await store.setProxy({ mode: 'manual', url: 'http://p2:8080', username: 'alice' });
    assert.deepEqual(moved, { mode: 'manual', url: 'http://p2:8080', username: 'alice', passwordSet: false });
    assert.equal(await secrets.get(PROXY_PASSWORD_KEY), null);
    assert.deepEqual(await store.resolveProxy(), {
      mode: 'manual',
      url: 'http://p2:8080',
      username: 'alice',
    });
  });

  it('removes the password when asked (null) or when the proxy is switched off', async (t) => {
    const dataDir = tempDir(t);
    const secrets = createMemorySecretStore();
    const store = await openSettingsStore({ dataDir, secrets });
    await store.setProxy({ mode: 'manual', url: 'http://p1:3128', username: 'alice', password: PASSWORD });
    await store.setProxy({ mode: 'manual', url: 'http://p1:3128', username: 'alice', password: null });
    assert.equal(await secrets.get(PROXY_PASSWORD_KEY), null);
    assert.deepEqual(store.get().proxy, {
      mode: 'manual',
      url: 'http://p1:3128',
      username: 'alice',
      passwordSet: false,
    });
    await store.setProxy({ mode: 'manual', url: 'http://p1:3128', username: 'alice', password: PASSWORD });
    await store.setProxy({ mode: 'none' });
    assert.equal(await secrets.get(PROXY_PASSWORD_KEY), null);
    assert.deepEqual(readJson(dataDir), { version: 1, proxy: { mode: 'none' } });
  });

  it('refuses bad settings with a message that says what to give, and changes nothing', async (t) => {
    const dataDir = tempDir(t);
    const store = await openSettingsStore({ dataDir, secrets: createMemorySecretStore() });
    await store.setProxy({ mode: 'none' });
    const cases: [unknown, RegExp][] = [
      ['manual', /^proxy must be an object such as \{ "mode": "system" \}\.$/],
      [{ mode: 'auto' }, /^proxy\.mode must be "none", "system" or "manual"\.$/],
      [
        { mode: 'none', url: 'http://p:1' },
        /^proxy has an unknown property "url"; for mode "none" it may have: mode\.$/,
      ],
      [
        { mode: 'manual', url: 'http://p:1', pasword: 'x' },
        /unknown property "pasword"; for mode "manual" it may have: mode, url, username, password\./,
      ],
      [{ mode: 'manual' }, /^proxy\.url must be a string such as "http:\/\/proxy\.example\.com:3128"\.$/],
      [{ mode: 'manual', url: 3128 }, /^proxy\.url must be a string/],
      [{ mode: 'manual', url: 'proxy:3128' }, /^proxy\.url must start with http:\/\/ or https:\/\//],
      [{ mode: 'manual', url: 'socks5://p:1080' }, /SOCKS proxies are not supported/],
      [{ mode: 'manual', url: 'not a url' }, /^proxy\.url is not a URL: give it as http:\/\/host:port/],
      [
        { mode: 'manual', url: 'http://alice:pw@p:3128' },
        /must not contain a user name or password: give them as proxy\.username and proxy\.password/,
      ],
      [
        { mode: 'manual', url: 'http://p' },
        /^proxy\.url must name the proxy's port, e\.g\. http:\/\/proxy\.example\.com:3128\.$/,
      ],
      [{ mode: 'manual', url: 'http://p:3128/path' }, /must be only scheme, host and port/],
      [{ mode: 'manual', url: 'http://p:3128?x=1' }, /must be only scheme, host and port/],
      [{ mode: 'manual', url: 'http://p:0' }, /port outside 1-65535/],
      [
        { mode: 'manual', url: 'http://p:1', username: 'a:b' },
        /^proxy\.username must be 1-256 characters without a colon/,
      ],
      [{ mode: 'manual', url: 'http://p:1', username: '' }, /^proxy\.username must be/],
      [{ mode: 'manual', url: 'http://p:1', password: 'x' }, /^proxy\.password needs a proxy\.username\.$/],
      [
        { mode: 'manual', url: 'http://p:1', username: 'a', password: 'x\ny' },
        /^proxy\.password must be 1-1024 characters without control characters/,
      ],
      [{ mode: 'manual', url: 'http://p:1', username: 'a', password: 42 }, /^proxy\.password must be/],
    ];
    for (const [input, message] of cases)
      await rejectsWith(store.setProxy(input), 'invalid-setting', message);
    assert.deepEqual(readJson(dataDir), { version: 1, proxy: { mode: 'none' } });
  });

  it('takes IPv6 proxies and https proxies', async (t) => {
    const store = await openSettingsStore({ dataDir: tempDir(t), secrets: createMemorySecretStore() });
    assert.deepEqual(await store.setProxy({ mode: 'manual', url: 'http://[::1]:3128' }), {
      mode: 'manual',
      url: 'http://[::1]:3128',
      passwordSet: false,
    });
    assert.equal(
      ((await store.setProxy({ mode: 'manual', url: 'https://proxy.corp:443' })) as { url: string }).url,
      'https://proxy.corp:443',
    );
  });

  it('refuses a damaged settings file with its path and leaves it as it was', async (t) => {
    const cases: [string, RegExp][] = [
      ['{"version":1,"proxy":', /it is not JSON/],
      ['[]', /it is not a JSON object/],
      ['{"version":2,"proxy":{"mode":"none"}}', /its version is 2, this spooler reads version 1/],
      ['{"version":1,"theme":"dark"}', /it has unknown settings: theme/],
      [
        '{"version":1,"proxy":{"mode":"manual","url":"http://p:1","passwordSet":"yes"}}',
        /proxy\.passwordSet must be true or false/,
      ],
      [
        '{"version":1,"proxy":{"mode":"manual","url":"http://p:1","password":"x","passwordSet":true}}',
        /proxy has an unknown property "password"/,
      ],
    ];
    for (const [text, detail] of cases) {
      const dataDir = tempDir(t);
      writeFileSync(join(dataDir, SETTINGS_FILE), text);
      await rejectsWith(
        openSettingsStore({ dataDir, secrets: createMemorySecretStore() }),
        'settings-file-damaged',
        new RegExp(
          `^The settings file ${join(dataDir, SETTINGS_FILE).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} cannot be used: ${detail.source}.*Fix it, or delete it to start from the default settings\\.$`,
        ),
      );
      assert.equal(readFileSync(join(dataDir, SETTINGS_FILE), 'utf8'), text);
    }
  });

  it('replaces a temp file left by a crash and never leaves one behind', async (t) => {
    const dataDir = tempDir(t);
    writeFileSync(join(dataDir, `${SETTINGS_FILE}.tmp`), '{"half');
    const store = await openSettingsStore({ dataDir, secrets: createMemorySecretStore() });
    await store.setProxy({ mode: 'none' });
    assert.deepEqual(readdirSync(dataDir), [SETTINGS_FILE]);
    assert.deepEqual(readJson(dataDir), { version: 1, proxy: { mode: 'none' } });
  });

  it('keeps the old file and the old password when the write fails', async (t) => {
    const dataDir = tempDir(t);
    const secrets = createMemorySecretStore();
    let failRename = false;
    const fs = {
      ...nodeFileSystem,
      rename: (from: string, to: string) =>
        failRename
          ? Promise.reject(Object.assign(new Error('disk gone'), { code: 'EIO' }))
          : nodeFileSystem.rename(from, to),
    };
    const store = await openSettingsStore({ dataDir, secrets, fs });
    await store.setProxy({ mode: 'manual', url: 'http://p1:3128', username: 'alice', password: PASSWORD });
    failRename = true;
    await assert.rejects(
      store.setProxy({ mode: 'manual', url: 'http://p1:3128', username: 'alice', password: 'new-password' }),
      /disk gone/,
    );
    assert.equal(await secrets.get(PROXY_PASSWORD_KEY), PASSWORD, 'the old password is back');
    assert.equal(store.get().proxy.mode, 'manual');
    assert.deepEqual(readdirSync(dataDir), [SETTINGS_FILE]);
    assert.deepEqual(await store.resolveProxy(), {
      mode: 'manual',
      url: 'http://p1:3128',
      username: 'alice',
      password: PASSWORD,
    });
  });

  it('says so when the password was in memory only and a restart lost it', async (t) => {
    const dataDir = tempDir(t);
    const first: SecretStore = createMemorySecretStore('no keychain');
    await (
      await openSettingsStore({ dataDir, secrets: first })
    ).setProxy({
      mode: 'manual',
      url: 'http://p1:3128',
      username: 'alice',
      password: PASSWORD,
    });
    const restarted = await openSettingsStore({ dataDir, secrets: createMemorySecretStore('no keychain') });
    assert.deepEqual(restarted.get().proxy, {
      mode: 'manual',
      url: 'http://p1:3128',
      username: 'alice',
      passwordSet: true,
    });
    await rejectsWith(
      restarted.resolveProxy(),
      'proxy-password-missing',
      /enter it again in the proxy settings\.$/,
    );
  });

  it('applies changes one at a time, in order', async (t) => {
    const dataDir = tempDir(t);
    const store = await openSettingsStore({ dataDir, secrets: createMemorySecretStore() });
    await Promise.all([
      store.setProxy({ mode: 'manual', url: 'http://p1:1', username: 'a', password: PASSWORD }),
      store.setProxy({ mode: 'none' }),
      store.setProxy({ mode: 'manual', url: 'http://p3:3' }),
    ]);
    assert.deepEqual(readJson(dataDir), {
      version: 1,
      proxy: { mode: 'manual', url: 'http://p3:3', passwordSet: false },
    });
  });
});
