// The per-start secret of the control API: 32 random bytes, written 0600 to <data-dir>/control-token at
// each start (so the previous start's secret stops working), compared in constant time.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { join } from 'node:path';
import { writeFileAtomic } from '../spool/atomic-file.js';
import type { FileSystem } from '../spool/file-system.js';
import { nodeFileSystem } from '../spool/file-system.js';
import { promises as fsp } from 'node:fs';

/** File name of the secret inside the data dir. */
export const CONTROL_TOKEN_FILE = 'control-token';

/** Creates a new secret and writes it (mode 0600) to `<dataDir>/control-token`. */
export async function createControlToken(dataDir: string, fs: FileSystem = nodeFileSystem): Promise<string> {
  const token = randomBytes(32).toString('hex');
  const path = join(dataDir, CONTROL_TOKEN_FILE);
  const temp = `${path}.tmp`;
  await fsp.unlink(temp).catch(() => undefined);
  await writeFileAtomic(fs, path, temp, `${token}\n`, { mode: 0o600 });
  await fsp.chmod(path, 0o600).catch(() => undefined);
  return token;
}

/** Compares a presented `Authorization` header with the secret in constant time. */
export function isAuthorized(header: string | undefined, token: string): boolean {
  if (typeof header !== 'string' || !header.startsWith('Bearer ')) return false;
  // Hashing first makes both sides the same length, so timingSafeEqual leaks neither content nor length.
  const a = createHash('sha256').update(header.slice(7).trim()).digest();
  const b = createHash('sha256').update(token).digest();
  return timingSafeEqual(a, b);
}
