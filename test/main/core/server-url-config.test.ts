import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../../main/core/config.js';

describe('config: --server-url', () => {
  it('is the embedded server by default (loopback, port 8443, data in <data-dir>/server)', () => {
    const base = ['--data-dir', '/nonexistent/cps-data'];
    const config = loadConfig(base, {});
    assert.equal(config.serverUrl, null, 'filled in once the embedded server listens');
    assert.deepEqual(config.embeddedServer, {
      host: '127.0.0.1',
      port: 8443,
      dataDir: '/nonexistent/cps-data/server',
    });
    assert.deepEqual(loadConfig([...base, '--embedded-server-port', '0'], {}).embeddedServer?.port, 0);
    assert.equal(loadConfig(base, { CPS_SERVER_URL: 'embedded' }).embeddedServer?.port, 8443);
    assert.throws(() => loadConfig([...base, '--embedded-server-port', '70000'], {}), /port/);
  });

  it('"none" means no server at all: no login, jobs stay held locally', () => {
    const base = ['--data-dir', '/nonexistent/cps-data'];
    for (const config of [
      loadConfig([...base, '--server-url', 'none'], {}),
      loadConfig(base, { CPS_SERVER_URL: 'none' }),
    ]) {
      assert.equal(config.serverUrl, null);
      assert.equal(config.embeddedServer, null);
    }
  });

  it('is taken from the flag, the environment or the config file (then nothing is embedded)', () => {
    const base = ['--data-dir', '/nonexistent/cps-data'];
    assert.equal(loadConfig([...base, '--server-url', 'https://x.example'], {}).embeddedServer, null);
    assert.equal(
      loadConfig([...base, '--server-url', 'http://127.0.0.1:8443/'], {}).serverUrl,
      'http://127.0.0.1:8443',
    );
    assert.equal(
      loadConfig(base, { CPS_SERVER_URL: 'https://cloud.example.com/cps' }).serverUrl,
      'https://cloud.example.com/cps',
    );
    assert.equal(loadConfig([...base, '--server-poll-seconds', '2'], {}).serverPollSeconds, 2);
    assert.equal(loadConfig(base, {}).serverPollSeconds, 30);
  });

  it('refuses what is not an http(s) URL, and never echoes credentials', () => {
    const base = ['--data-dir', '/nonexistent/cps-data'];
    assert.throws(() => loadConfig(base, { CPS_SERVER_URL: 'ftp://x' }), ConfigError);
    assert.throws(() => loadConfig(base, { CPS_SERVER_URL: 'not a url' }), ConfigError);
    assert.throws(
      () => loadConfig(base, { CPS_SERVER_URL: 'https://me:S3cret-pw@cloud.example.com' }),
      (err: Error) => err instanceof ConfigError && !err.message.includes('S3cret-pw'),
    );
  });
});
