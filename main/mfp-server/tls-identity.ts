// The TLS identity of the MFP job server: a self-signed certificate made on first start and kept in the data
// dir. Nobody can issue a CA certificate for a desktop's changing LAN address, so the MFP does not check names
// or a chain: the server hands it the certificate's SHA-256 with the job location and the MFP pins it.
// Key and certificate live in one file (mode 0600), replaced atomically, so they can never disagree.
import { X509Certificate, createHash, createPrivateKey } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../spool/atomic-file.js';
import { READ_NOFOLLOW, nodeFileSystem } from '../spool/file-system.js';
import type { FileSystem } from '../spool/file-system.js';

/** File name of the key and certificate inside the data dir. */
export const TLS_IDENTITY_FILE = 'mfp-tls.pem';

/** How long a new certificate is valid (the 825-day ceiling some TLS stacks enforce). */
export const CERT_VALID_DAYS = 825;
/** A certificate this close to its end is replaced at start. */
const RENEW_BEFORE_MS = 30 * 86400_000;
/** Valid from a day back, for an MFP whose clock is behind. */
const BACKDATE_MS = 86400_000;

/** Key and certificate (PEM) and the certificate's SHA-256 fingerprint (lowercase hex, for pinning). */
export interface TlsIdentity {
  key: string;
  cert: string;
  sha256: string;
}

/** SHA-256 of a certificate's DER bytes, lowercase hex: what the MFP pins. */
export function certificateSha256(cert: X509Certificate): string {
  return createHash('sha256').update(cert.raw).digest('hex');
}

function block(pem: string, label: string): string | null {
  const m = new RegExp(`-----BEGIN ${label}-----[\\s\\S]+?-----END ${label}-----\\n?`).exec(pem);
  return m ? m[0] : null;
}

/** Why a stored identity cannot be used, or the identity. */
function parseIdentity(text: string, now: number): TlsIdentity | string {
  const key = block(text, 'PRIVATE KEY');
  const cert = block(text, 'CERTIFICATE');
  if (!key || !cert) return 'it does not hold a key and a certificate';
  try {
    const x509 = new X509Certificate(cert);
    if (!x509.checkPrivateKey(createPrivateKey(key))) return 'the key does not belong to the certificate';
    if (Date.parse(x509.validTo) - now < RENEW_BEFORE_MS) return 'the certificate expires soon';
    return { key, cert, sha256: certificateSha256(x509) };
  } catch {
    return 'it cannot be parsed';
  }
}

async function readExisting(path: string): Promise<{ text: string; mode: number } | null> {
  let handle;
  try {
    handle = await fsp.open(path, READ_NOFOLLOW);
  } catch (err) {
    const code = (err as { code?: string }).code;
    // ELOOP: a symlink planted in its place is never followed; a new file replaces it.
    if (code === 'ENOENT' || code === 'ELOOP') return null;
    throw err;
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile() || stat.size > 64 * 1024) return null;
    return { text: await handle.readFile('utf8'), mode: stat.mode };
  } finally {
    await handle.close();
  }
}

/**
 * The identity in `<dataDir>/mfp-tls.pem`, made anew when missing, unusable, readable by others (the key may
 * have leaked) or near its end. A new certificate has a new fingerprint: the server learns it at the next
 * registration of this desktop's location.
 */
export async function loadOrCreateTlsIdentity(
  dataDir: string,
  deps: {
    now?: () => number;
    fs?: FileSystem;
    log?: (message: string, meta?: Record<string, unknown>) => void;
  } = {},
): Promise<TlsIdentity> {
  const now = (deps.now ?? Date.now)();
  const path = join(dataDir, TLS_IDENTITY_FILE);
  const existing = await readExisting(path);
  if (existing) {
    const parsed =
      process.platform !== 'win32' && (existing.mode & 0o077) !== 0
        ? 'it was readable by other users'
        : parseIdentity(existing.text, now);
    if (typeof parsed !== 'string') return parsed;
    deps.log?.('a new MFP server certificate is made', { file: path, reason: parsed });
  }
  const host = hostname().replace(/[^A-Za-z0-9.-]/g, '') || 'desktop';
  // Loaded only to make a certificate (first start, renewal): it and its ASN.1 libraries cost about 120 ms
  // and 13 MB of every start otherwise.
  const { generate } = await import('selfsigned');
  const made = await generate([{ name: 'commonName', value: `Cloud Print and Scan desktop ${host}` }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: new Date(now - BACKDATE_MS),
    notAfterDate: new Date(now + CERT_VALID_DAYS * 86400_000),
    extensions: [
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 2, value: host },
          { type: 7, ip: '127.0.0.1' },
          { type: 7, ip: '::1' },
        ],
      },
    ],
  });
  const key = createPrivateKey(made.private).export({ type: 'pkcs8', format: 'pem' }).toString();
  const cert = new X509Certificate(made.cert);
  const identity: TlsIdentity = { key, cert: cert.toString(), sha256: certificateSha256(cert) };
  const temp = `${path}.tmp`;
  await fsp.unlink(temp).catch(() => undefined);
  // Created 0600 (a umask can only narrow it); rename replaces a planted symlink itself, not its target.
  await writeFileAtomic(deps.fs ?? nodeFileSystem, path, temp, `${identity.key}${identity.cert}`, {
    mode: 0o600,
  });
  return identity;
}
