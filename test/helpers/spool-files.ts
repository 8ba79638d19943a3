// What a data dir holds on disk, for tests that check nothing partial or foreign is left in the spool.
import { createHash } from 'node:crypto';
import { lstatSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Names of a job's files in `<data-dir>/spool`: nothing else may be there at rest. */
export const SPOOL_FILE = /^[0-9a-f]{32}\.(pdf|json)$/;

/** Entries of a folder (empty when it does not exist). */
export function entries(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return [];
    throw err;
  }
}

/** Entries of `<data-dir>/spool`. */
export const spoolEntries = (dataDir: string) => entries(join(dataDir, 'spool'));

/** Entries of `<data-dir>/damaged`. */
export const damagedEntries = (dataDir: string) => entries(join(dataDir, 'damaged'));

/** Every path under `dir` (relative, with `/`), folders included, without following symlinks. */
export function walkTree(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const name of entries(dir)) {
    const rel = prefix === '' ? name : `${prefix}/${name}`;
    out.push(rel);
    if (lstatSync(join(dir, name)).isDirectory()) out.push(...walkTree(join(dir, name), rel));
  }
  return out;
}

/** Content hash and times of a file: any write, replacement or deletion changes it. */
export interface FileStamp {
  sha256: string;
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  ino: number;
}

/** Takes the stamp of `path` (throws when it is missing). */
export function stampFile(path: string): FileStamp {
  const st = lstatSync(path);
  if (!st.isFile()) throw new Error(`${path} is no longer a regular file`);
  return {
    sha256: createHash('sha256').update(readFileSync(path)).digest('hex'),
    size: st.size,
    mtimeMs: st.mtimeMs,
    ctimeMs: st.ctimeMs,
    ino: st.ino,
  };
}
