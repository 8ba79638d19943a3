// The file-system seam of the spool: every call that can lose data goes through here, so that tests can make
// the Nth fsync, rename or write fail (fault injection) without touching the store's logic.
import { constants, promises as fsp } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';

/** The operations the spool needs, each one failure point that tests can inject into. */
export interface FileSystem {
  open(path: string, flags: number, mode?: number): Promise<FileHandle>;
  /** Writes all of `buffers`, at `position` when given (writes at distinct positions may run at once). */
  write(handle: FileHandle, buffers: Buffer[], position?: number): Promise<void>;
  fsync(handle: FileHandle): Promise<void>;
  close(handle: FileHandle): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
  /** Makes the directory entries of `dir` durable (fsync(2): a file's own fsync does not cover its name). */
  fsyncDir(dir: string): Promise<void>;
}

/** Flags for a new temp file: created exclusively (never reused, never through a planted symlink). */
export const CREATE_EXCLUSIVE = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL;

/** Read-only, refusing to follow a symlink where the platform can (O_NOFOLLOW is 0 on Windows). */
export const READ_NOFOLLOW = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0);

/** The real file system. */
export const nodeFileSystem: FileSystem = {
  open: (path, flags, mode) => fsp.open(path, flags, mode),
  async write(handle, buffers, position) {
    // writev may write less than asked (a full disk, a signal); loop until all is written or it throws.
    let pending = buffers.filter((b) => b.length > 0);
    let at = position;
    while (pending.length > 0) {
      const { bytesWritten } = await handle.writev(pending, at);
      if (at !== undefined) at += bytesWritten;
      let left = bytesWritten;
      const rest: Buffer[] = [];
      for (const b of pending) {
        if (left >= b.length) left -= b.length;
        else {
          rest.push(left > 0 ? b.subarray(left) : b);
          left = 0;
        }
      }
      if (bytesWritten === 0 && rest.length > 0)
        throw Object.assign(new Error('write made no progress'), { code: 'EIO' });
      pending = rest;
    }
  },
  fsync: (handle) => handle.sync(),
  close: (handle) => handle.close(),
  rename: (from, to) => fsp.rename(from, to),
  unlink: (path) => fsp.unlink(path),
  async fsyncDir(dir) {
    // Windows cannot open a directory for fsync; NTFS journals the rename itself.
    if (process.platform === 'win32') return;
    const handle = await fsp.open(dir, constants.O_RDONLY);
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  },
};
