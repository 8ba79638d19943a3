import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createHostPolicy, isHostEntry, machineAddresses } from '../../../main/mfp-server/announced-hosts.js';

describe('announced hosts of the MFP job server', () => {
  const lan = () => ['192.168.1.20', 'fe80::1%eth0', '2001:db8::20'];

  it('answers to the machine addresses, loopback and localhost with its own port by default', () => {
    const policy = createHostPolicy({ entries: ['auto'], port: () => 5571, interfaces: lan });
    for (const host of [
      '192.168.1.20:5571',
      '[2001:db8::20]:5571',
      '[2001:DB8::20]:5571',
      '[fe80::1]:5571',
      '127.0.0.1:5571',
      'localhost:5571',
      'LOCALHOST:5571',
      '[::1]:5571',
    ]) {
      assert.equal(policy.allows(host), true, host);
    }
    for (const host of [
      undefined,
      '',
      '192.168.1.20',
      '192.168.1.20:5572',
      '192.168.1.21:5571',
      'evil.example:5571',
      '2001:db8::20:5571',
      '192.168.1.20:5571.',
      ' 192.168.1.20:5571',
    ]) {
      assert.equal(policy.allows(host), false, String(host));
    }
  });

  it('takes configured names instead of, or with, the automatic ones', () => {
    const only = createHostPolicy({ entries: ['desk.example.com'], port: () => 5571, interfaces: lan });
    assert.deepEqual(only.hosts(), ['desk.example.com:5571']);
    assert.equal(only.allows('127.0.0.1:5571'), false);
    const both = createHostPolicy({
      entries: ['auto', 'Desk.Example.com'],
      port: () => 5571,
      interfaces: lan,
    });
    assert.equal(both.allows('desk.example.com:5571'), true);
    assert.equal(both.allows('192.168.1.20:5571'), true);
  });

  it('follows the port once it is bound and a changed address within seconds', () => {
    let port = 0;
    let addresses = ['10.0.0.5'];
    let now = 0;
    const policy = createHostPolicy({
      entries: ['auto'],
      port: () => port,
      interfaces: () => addresses,
      now: () => now,
    });
    assert.equal(policy.allows('10.0.0.5:0'), true);
    port = 40000;
    assert.equal(policy.allows('10.0.0.5:40000'), true, 'the bound port');
    addresses = ['10.0.0.6'];
    assert.equal(policy.allows('10.0.0.6:40000'), false, 'cached for a moment');
    now += 6000;
    assert.equal(policy.allows('10.0.0.6:40000'), true, 'the new address');
    assert.equal(policy.allows('10.0.0.5:40000'), false, 'the old one is gone');
  });

  it('accepts auto, IP addresses and DNS names as entries, nothing with a port or a path', () => {
    for (const ok of ['auto', '10.0.0.1', '::1', 'desk', 'desk.example.com'])
      assert.equal(isHostEntry(ok), true, ok);
    for (const bad of ['', 'desk:80', 'a/b', 'desk..example', '-desk', 'http://desk', 'a b'])
      assert.equal(isHostEntry(bad), false, bad);
  });

  it("lists this machine's non-internal addresses", () => {
    const found = machineAddresses(() => ({
      lo: [{ address: '127.0.0.1', internal: true } as never],
      eth0: [{ address: '192.168.1.20', internal: false } as never],
    }));
    assert.deepEqual(found, ['192.168.1.20']);
  });
});
