import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseOptions } from '@node-rs/argon2';
import {
  createPasswordHasher,
  DEFAULT_ARGON2_PARAMS,
} from '../../../server-stub/src/services/password-hasher.js';

describe('password hasher', () => {
  it('defaults to at least the OWASP ASVS argon2id minimum (19 MiB, 2 passes, 1 lane)', () => {
    assert.ok(DEFAULT_ARGON2_PARAMS.memoryCost >= 19456);
    assert.ok(DEFAULT_ARGON2_PARAMS.timeCost >= 2);
    assert.equal(DEFAULT_ARGON2_PARAMS.parallelism, 1);
  });

  it('stores an argon2id PHC string with the production parameters and a salt, not the password', async () => {
    const hasher = createPasswordHasher();
    const hash = await hasher.hash('Abcdef1!');
    assert.match(hash, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    assert.ok(!hash.includes('Abcdef1!'));
    const parsed = parseOptions(hash);
    assert.ok(parsed.saltLen >= 16);
    assert.notEqual(await hasher.hash('Abcdef1!'), hash, 'two hashes of one password differ (salted)');
  });

  it('verifies the right password and rejects a wrong one or a malformed hash', async () => {
    const hasher = createPasswordHasher();
    const hash = await hasher.hash('Abcdef1!');
    assert.equal(await hasher.verify(hash, 'Abcdef1!'), true);
    assert.equal(await hasher.verify(hash, 'Abcdef1?'), false);
    assert.equal(await hasher.verify('not-a-hash', 'Abcdef1!'), false);
  });

  it('hashes off the event loop: a timer fires while a hash runs', async () => {
    const hasher = createPasswordHasher({ memoryCost: 65536, timeCost: 3, parallelism: 1 });
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    await hasher.hash('Abcdef1!');
    clearInterval(timer);
    assert.ok(ticks > 0);
  });
});
