// Appends a stream's chunks to a file in pieces: a socket hands over 64 KiB at a time, and one awaited write
// per chunk both costs several times the CPU of bigger writes and stops reading the socket while the disk
// works. Gathered pieces go out with pwritev at their own positions, a few at once, so the socket is read
// while the disk writes; memory stays bounded by PIECE_BYTES * (PIECES_IN_FLIGHT + 1).
// (The desktop's spool draft does the same for its own store; the server does not depend on desktop code.)
import type { FileHandle } from 'node:fs/promises';

/** Bytes gathered before one write (the desktop's spool bench: 64 KiB writes cost 8x what 1 MiB ones do). */
export const PIECE_BYTES = 256 * 1024;
/** Writes running at once; appending waits while this many are under way. */
export const PIECES_IN_FLIGHT = 4;

/** Writes every byte of `buffers` at `position`: writev may write less than asked (a signal, a full disk). */
async function writeAll(handle: FileHandle, buffers: Buffer[], position: number): Promise<void> {
  let pending = buffers;
  let at = position;
  while (pending.length > 0) {
    const { bytesWritten } = await handle.writev(pending, at);
    if (bytesWritten === 0) throw Object.assign(new Error('write made no progress'), { code: 'EIO' });
    at += bytesWritten;
    let left = bytesWritten;
    const rest: Buffer[] = [];
    for (const b of pending) {
      if (left >= b.length) left -= b.length;
      else {
        rest.push(left > 0 ? b.subarray(left) : b);
        left = 0;
      }
    }
    pending = rest;
  }
}

/** Appends to a new, empty file through `handle`. */
export interface PieceWriter {
  /** Takes `chunk` (not copied: the caller must not change it); a promise when the caller has to wait. */
  append(chunk: Buffer): Promise<void> | undefined;
  /** Writes what is gathered and waits for every write; throws the first write error. */
  finish(): Promise<void>;
  /** Waits for the writes under way, ignoring their errors (before closing the file on a failure). */
  settle(): Promise<void>;
}

/** Creates the writer; the first write error fails the next append or finish. */
export function createPieceWriter(handle: FileHandle): PieceWriter {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let position = 0;
  const running = new Set<Promise<void>>();
  let failure: { error: unknown } | null = null;

  function startWrite(): void {
    const buffers = pending;
    const at = position;
    position += pendingBytes;
    pending = [];
    pendingBytes = 0;
    const write: Promise<void> = writeAll(handle, buffers, at).then(
      () => {
        running.delete(write);
      },
      (error: unknown) => {
        running.delete(write);
        failure ??= { error };
      },
    );
    running.add(write);
  }

  async function untilAtMost(count: number): Promise<void> {
    while (running.size > count && !failure) await Promise.race(running);
    if (failure) throw failure.error;
  }

  return {
    append(chunk) {
      if (failure) return Promise.reject(failure.error);
      pending.push(chunk);
      pendingBytes += chunk.length;
      if (pendingBytes >= PIECE_BYTES) startWrite();
      return running.size >= PIECES_IN_FLIGHT ? untilAtMost(PIECES_IN_FLIGHT - 1) : undefined;
    },
    async finish() {
      if (pendingBytes > 0 && !failure) startWrite();
      await untilAtMost(0);
    },
    async settle() {
      await Promise.all(running);
    },
  };
}
