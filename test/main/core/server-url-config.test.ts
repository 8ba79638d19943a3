import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../../main/core/config.js';

describe('config: --server-url', () => {
  it('is off by default, and taken from the flag, the environment or the config file', () => {
    const base = ['--data-dir', '/nonexistent/cps-data'];
    assert.equal(loadConfig(base, {}).serverUrl, null);
    assert.equal(
      loadConfig([...base, '--server-url', 'http://127.0.0.1:8443/'], {}).serverUrl,
      'http://127.0.0.1:8443',
    );
    assert.equal(
      loadConfig(base, { CPS_SERVER_URL: 'https://cloud.example.com/cps' }).serverUrl,
      'https://cloud.example.com/cps',
    );
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
