import assert from 'node:assert/strict';
import { X509Certificate, createHash, createPrivateKey } from 'node:crypto';
import { chmodSync, lstatSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { TLS_IDENTITY_FILE, loadOrCreateTlsIdentity } from '../../../main/mfp-server/tls-identity.js';
import { tempDir } from '../../helpers/temp-dir.js';

describe('the TLS identity of the MFP job server', () => {
  it('is made on first start as one 0600 file and kept across restarts', async (t) => {
    const dir = tempDir(t);
    const first = await loadOrCreateTlsIdentity(dir);
    const path = join(dir, TLS_IDENTITY_FILE);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    const cert = new X509Certificate(first.cert);
    assert.equal(first.sha256, createHash('sha256').update(cert.raw).digest('hex'));
    assert.match(cert.subjectAltName ?? '', /IP Address:127\.0\.0\.1/);
    assert.ok(Date.parse(cert.validTo) - Date.now() > 800 * 86400_000, 'valid for about 825 days');
    assert.ok(cert.checkPrivateKey(createPrivateKey(first.key)), 'the key belongs to the certificate');
    const again = await loadOrCreateTlsIdentity(dir);
    assert.deepEqual(again, first, 'the same key and certificate, so the pin stays');
  });

  it('is made anew when the file was readable by others, damaged, or its key and certificate disagree', async (t) => {
    const dir = tempDir(t);
    const path = join(dir, TLS_IDENTITY_FILE);
    const notes: string[] = [];
    const log = (m: string, meta?: Record<string, unknown>) => notes.push(`${m} ${String(meta?.reason)}`);
    const original = await loadOrCreateTlsIdentity(dir);
    chmodSync(path, 0o644);
    const leaked = await loadOrCreateTlsIdentity(dir, { log });
    assert.notEqual(leaked.sha256, original.sha256, 'a possibly leaked key is replaced');
    assert.equal(statSync(path).mode & 0o777, 0o600);
    writeFileSync(path, 'garbage');
    const fromGarbage = await loadOrCreateTlsIdentity(dir, { log });
    assert.notEqual(fromGarbage.sha256, leaked.sha256);
    writeFileSync(path, `${original.key}${fromGarbage.cert}`);
    const mismatched = await loadOrCreateTlsIdentity(dir, { log });
    assert.notEqual(mismatched.sha256, fromGarbage.sha256);
    assert.deepEqual(notes, [
      'a new MFP server certificate is made it was readable by other users',
      'a new MFP server certificate is made it does not hold a key and a certificate',
      'a new MFP server certificate is made the key does not belong to the certificate',
    ]);
  });

  it('renews a certificate near its end', async (t) => {
    const dir = tempDir(t);
    const first = await loadOrCreateTlsIdentity(dir);
    const later = await loadOrCreateTlsIdentity(dir, { now: () => Date.now() + 820 * 86400_000 });
    assert.notEqual(later.sha256, first.sha256);
  });

  it('never follows a symlink planted in its place', async (t) => {
    const dir = tempDir(t);
    const victim = join(tempDir(t), 'victim.pem');
    writeFileSync(victim, 'precious');
    symlinkSync(victim, join(dir, TLS_IDENTITY_FILE));
    await loadOrCreateTlsIdentity(dir);
    assert.equal(readFileSync(victim, 'utf8'), 'precious', 'the target is untouched');
    assert.ok(lstatSync(join(dir, TLS_IDENTITY_FILE)).isFile(), 'a real file replaced the link');
  });
});
