import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { createPinSecrets } from '../../../server-stub/src/services/pin-secrets.js';

const keys = () => ({ pepper: randomBytes(32), seal: randomBytes(32) });

describe('PIN secrets', () => {
  it('opens a sealed PIN for its owner only', () => {
    const secrets = createPinSecrets(keys());
    const sealed = secrets.seal('user-1', '042917');
    assert.equal(secrets.unseal('user-1', sealed), '042917');
    assert.equal(secrets.unseal('user-2', sealed), undefined, 'moved to another user');
    assert.ok(!sealed.includes('042917'));
  });

  it('refuses an altered or truncated copy, and one sealed under another key', () => {
    const secrets = createPinSecrets(keys());
    const sealed = secrets.seal('user-1', '1234');
    const altered = Buffer.from(sealed);
    altered[altered.length - 1] = (altered[altered.length - 1] ?? 0) ^ 1;
    assert.equal(secrets.unseal('user-1', altered), undefined);
    assert.equal(secrets.unseal('user-1', sealed.subarray(0, 20)), undefined);
    assert.equal(createPinSecrets(keys()).unseal('user-1', sealed), undefined);
  });

  it('digests a PIN with the pepper: the same PIN gives the same digest only under the same key', () => {
    const k = keys();
    assert.equal(createPinSecrets(k).digest('1234'), createPinSecrets(k).digest('1234'));
    assert.notEqual(createPinSecrets(k).digest('1234'), createPinSecrets(keys()).digest('1234'));
    assert.notEqual(createPinSecrets(k).digest('1234'), createPinSecrets(k).digest('1235'));
  });
});
