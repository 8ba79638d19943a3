// Server secret keys kept as files in the data dir, beside the database but not in it: a copy of the
// database alone (a backup, a leaked file) then reveals neither PINs nor card ids. Each key is 32 random
// bytes, written once with mode 0600 and never rewritten (a new key would invalidate what it protects).
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, linkSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** Length of every secret key, in bytes. */
export const SECRET_KEY_BYTES = 32;

/** Thrown when a key file exists but cannot be trusted; the message says how to fix it. */
export class SecretKeyFileError extends Error {
  readonly code = 'SECRET_KEY_FILE';
}

function readKey(path: string): Buffer {
  if (process.platform !== 'win32' && (statSync(path).mode & 0o077) !== 0) {
    throw new SecretKeyFileError(
      `${path} is readable by other users; restrict it with "chmod 600 ${path}" and start again.`,
    );
  }
  const key = readFileSync(path);
  if (key.length !== SECRET_KEY_BYTES) {
    throw new SecretKeyFileError(
      `${path} holds ${key.length} bytes, not ${SECRET_KEY_BYTES}; restore it from the backup of this data dir.`,
    );
  }
  return key;
}

function syncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes `contents` to `<dataDir>/<fileName>` (mode 0600) unless that file exists: written and fsynced under
 * a temporary name, then hard-linked into place, so the file appears complete or not at all, and a
 * concurrent start that wins the link keeps its file (a link never replaces). True when this call wrote it.
 */
export function writeFileOnce(dataDir: string, fileName: string, contents: Uint8Array | string): boolean {
  const temp = join(dataDir, `.${fileName}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(temp, 'wx', 0o600);
  try {
    writeSync(fd, typeof contents === 'string' ? Buffer.from(contents) : contents);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(temp, join(dataDir, fileName));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return false;
  } finally {
    rmSync(temp, { force: true });
  }
  if (process.platform !== 'win32') syncDir(dataDir);
  return true;
}

/** The key in `<dataDir>/<fileName>`, created on first use (see writeFileOnce). */
export function loadOrCreateSecretKey(dataDir: string, fileName: string): Buffer {
  const path = join(dataDir, fileName);
  try {
    return readKey(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const key = randomBytes(SECRET_KEY_BYTES);
  return writeFileOnce(dataDir, fileName, key) ? key : readKey(path);
}
