// Atomic replacement of a small file: temp file, write, fsync, close, rename, fsync of the folder.
import { dirname } from 'node:path';
import { CREATE_EXCLUSIVE } from './file-system.js';
import type { FileSystem } from './file-system.js';

/**
 * Writes `data` to `path` so that a reader (or a restart after a crash) sees either the old file or the new one,
 * never a mix. `tempPath` must be in the same folder; it is created exclusively and removed on failure.
 */
export async function writeFileAtomic(
  fs: FileSystem,
  path: string,
  tempPath: string,
  data: string | Buffer,
  options: { mode?: number; syncDir?: boolean } = {},
): Promise<void> {
  const handle = await fs.open(tempPath, CREATE_EXCLUSIVE, options.mode ?? 0o600);
  let closed = false;
  try {
    await fs.write(handle, [typeof data === 'string' ? Buffer.from(data, 'utf8') : data]);
    // One fsync per descriptor: on failure the descriptor is closed, never fsynced again (fsyncgate).
    await fs.fsync(handle);
    closed = true;
    await fs.close(handle);
    await fs.rename(tempPath, path);
  } catch (err) {
    if (!closed) await fs.close(handle).catch(() => undefined);
    await fs.unlink(tempPath).catch(() => undefined);
    throw err;
  }
  if (options.syncDir !== false) await fs.fsyncDir(dirname(path));
}
