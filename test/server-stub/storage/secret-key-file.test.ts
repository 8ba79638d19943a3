import assert from 'node:assert/strict';
import { chmodSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  loadOrCreateSecretKey,
  SECRET_KEY_BYTES,
  SecretKeyFileError,
} from '../../../server-stub/src/storage/secret-key-file.js';
import { tempDir } from '../../helpers/temp-dir.js';

const posix = process.platform !== 'win32';

describe('secret key files', () => {
  it('creates a 32-byte key readable by the owner only, and returns the same key afterwards', (t) => {
    const dir = tempDir(t);
    const key = loadOrCreateSecretKey(dir, 'test.key');
    assert.equal(key.length, SECRET_KEY_BYTES);
    assert.deepEqual(readFileSync(join(dir, 'test.key')), key);
    if (posix) assert.equal(statSync(join(dir, 'test.key')).mode & 0o777, 0o600);
    assert.deepEqual(loadOrCreateSecretKey(dir, 'test.key'), key);
    assert.deepEqual(readdirSync(dir), ['test.key'], 'no temporary file is left behind');
  });

  it('gives each file its own random key', (t) => {
    const dir = tempDir(t);
    assert.notDeepEqual(loadOrCreateSecretKey(dir, 'a.key'), loadOrCreateSecretKey(dir, 'b.key'));
  });

  it('refuses a key of the wrong size instead of replacing it', (t) => {
    const dir = tempDir(t);
    writeFileSync(join(dir, 'short.key'), Buffer.alloc(7), { mode: 0o600 });
    assert.throws(() => loadOrCreateSecretKey(dir, 'short.key'), SecretKeyFileError);
    assert.equal(readFileSync(join(dir, 'short.key')).length, 7, 'left as found');
  });

  it('refuses a key file that other users may read', { skip: !posix }, (t) => {
    const dir = tempDir(t);
    loadOrCreateSecretKey(dir, 'open.key');
    chmodSync(join(dir, 'open.key'), 0o644);
    assert.throws(() => loadOrCreateSecretKey(dir, 'open.key'), /chmod 600/);
  });
});
