import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkListenSafety, isLoopback } from '../../server-stub/src/listen-safety.js';

describe('listen safety', () => {
  it('treats 127.0.0.0/8, ::1 and localhost as loopback and nothing else', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost', '::ffff:127.0.0.1']) {
      assert.equal(isLoopback(h), true, h);
    }
    for (const h of ['0.0.0.0', '::', '192.168.1.10', 'example.com', '128.0.0.1', '127.example.com']) {
      assert.equal(isLoopback(h), false, h);
    }
  });

  it('refuses plain HTTP on a non-loopback address and says how to fix it', () => {
    const refusal = checkListenSafety({ host: '0.0.0.0', tls: false, allowInsecureHttp: false });
    assert.match(refusal ?? '', /--tls-cert.*--allow-insecure-http/);
  });

  it('allows TLS anywhere, plain HTTP on loopback, and plain HTTP anywhere when explicitly allowed', () => {
    assert.equal(checkListenSafety({ host: '0.0.0.0', tls: true, allowInsecureHttp: false }), null);
    assert.equal(checkListenSafety({ host: '127.0.0.1', tls: false, allowInsecureHttp: false }), null);
    assert.equal(checkListenSafety({ host: '0.0.0.0', tls: false, allowInsecureHttp: true }), null);
  });
});
