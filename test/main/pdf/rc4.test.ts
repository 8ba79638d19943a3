import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rc4 } from '../../../main/pdf/rc4.js';

describe('rc4', () => {
  it('matches the published test vectors', () => {
    const cases: [string, string, string][] = [
      ['Key', 'Plaintext', 'bbf316e8d940af0ad3'],
      ['Wiki', 'pedia', '1021bf0420'],
      ['Secret', 'Attack at dawn', '45a01f645fc35b383552544b9bf5'],
    ];
    for (const [key, plain, cipher] of cases) {
      assert.equal(rc4(Buffer.from(key), Buffer.from(plain)).toString('hex'), cipher);
    }
  });

  it('decrypts what it encrypted', () => {
    const key = Buffer.from('0123456789abcdef', 'hex');
    const data = Buffer.from('a stream of PDF data');
    assert.deepEqual(rc4(key, rc4(key, data)), data);
  });
});
