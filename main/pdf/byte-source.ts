import type { FileHandle } from 'node:fs/promises';
import { MAX_RANDOM_READ_BYTES, MAX_STREAM_BYTES } from './limits.js';
import { tooComplex } from './pdf-error.js';

/** Random access to the bytes of the file being inspected: the only way main/pdf touches its input. */
export interface ByteSource {
  /** File size in bytes, taken once when inspection starts. */
  readonly size: number;
  /** Reads up to `length` bytes at `position`; fewer near the end of the file, none past it. */
  read(position: number, length: number): Promise<Buffer>;
  /** Like `read`, into `target` (up to its length), returning the filled part: long scans reuse one buffer. */
  readInto(target: Buffer, position: number): Promise<Buffer>;
}

/** A ByteSource over an open file, reading windows with `FileHandle.read` and never more than the caps allow. */
export function createFileByteSource(handle: FileHandle, size: number): ByteSource {
  const readInto = async (target: Buffer, position: number): Promise<Buffer> => {
    const start = Math.max(0, Math.min(position, size));
    const wanted = Math.max(0, Math.min(target.length, size - start));
    let filled = 0;
    while (filled < wanted) {
      const { bytesRead } = await handle.read(target, filled, wanted - filled, start + filled);
      if (bytesRead === 0) break; // the file shrank while we read it
      filled += bytesRead;
    }
    return target.subarray(0, filled);
  };
  // Every read is capped, but a file could still ask for millions of them; this bounds the total work.
  let budget = MAX_RANDOM_READ_BYTES;
  return {
    size,
    readInto,
    async read(position, length) {
      const wanted = Math.max(0, Math.min(length, size - Math.max(0, position)));
      // Every caller bounds its reads by a limit; this guards against a caller that forgot.
      if (wanted > MAX_STREAM_BYTES) throw new RangeError(`read of ${wanted} bytes exceeds MAX_STREAM_BYTES`);
      budget -= wanted;
      if (budget < 0)
        throw tooComplex(
          `reading its structure takes more than ${MAX_RANDOM_READ_BYTES / 1024 / 1024} MiB of reads`,
        );
      return readInto(Buffer.alloc(wanted), position);
    },
  };
}
