// Sends a byte range of a spool file on an HTTP answer through two reused buffers. A file read stream
// allocates a fresh buffer for every read, whose new pages the kernel must map and zero: in issue 5's TLS
// profile the reads took a quarter of the server's busy time, and reusing two buffers took its CPU per GB
// sent from 2.3-2.8 s to 1.2-1.4 s. One buffer is read into while the other is being sent, and a buffer is
// read into again only once the socket has taken its previous bytes (the write callback), so memory per
// transfer stays two buffers.
import type { FileHandle } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';

/** Size of each of the two buffers: large reads keep the disk and the socket busy with few calls. */
export const DOCUMENT_CHUNK_BYTES = 256 * 1024;

/** The file ended before the range did: it changed under us; the answer cannot be completed. */
export class DocumentShrankError extends Error {
  readonly code = 'document-shrank';
  constructor(at: number) {
    super(`The document ended at byte ${at}, before the length already promised; it changed on disk.`);
  }
}

/** The client went away during the transfer (also what a cut pipeline reports). */
class PrematureCloseError extends Error {
  readonly code = 'ERR_STREAM_PREMATURE_CLOSE';
  constructor() {
    super('The client closed the connection during the transfer.');
  }
}

/** Fills `buf` from `position` with up to `length` bytes, reading again after a short read. */
async function readFully(handle: FileHandle, buf: Buffer, length: number, position: number): Promise<number> {
  let done = 0;
  while (done < length) {
    const { bytesRead } = await handle.read(buf, done, length - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done;
}

/** Writes `chunk`; resolves once the socket took it (the buffer is free again), rejects if the answer was cut. */
function writeChunk(res: ServerResponse, chunk: Buffer): Promise<void> {
  if (res.destroyed) return Promise.reject(new PrematureCloseError());
  return new Promise<void>((resolve, reject) => {
    const onClose = () => reject(new PrematureCloseError());
    res.once('close', onClose);
    res.write(chunk, (err) => {
      res.off('close', onClose);
      if (err) reject(err);
      else resolve();
    });
  });
}

/**
 * Sends bytes `start`..`end` (inclusive) of `handle` as the body of `res` (headers set by the caller) and
 * ends it. Rejects when the client goes away or the file ends early; the caller destroys the answer then.
 */
export async function sendFileRange(
  handle: FileHandle,
  res: ServerResponse,
  start: number,
  end: number,
): Promise<void> {
  const size = Math.min(DOCUMENT_CHUNK_BYTES, end - start + 1);
  const buffers = [Buffer.allocUnsafeSlow(size), Buffer.allocUnsafeSlow(size)] as const;
  let sending: Promise<void> = Promise.resolve();
  let position = start;
  let turn = 0;
  while (position <= end) {
    // This buffer's last write finished before the other one's began (awaited below), so it is free.
    const buf = buffers[turn] as Buffer;
    turn ^= 1;
    const want = Math.min(size, end - position + 1);
    const got = await readFully(handle, buf, want, position);
    await sending;
    if (got < want) throw new DocumentShrankError(position + got);
    sending = writeChunk(res, got === buf.length ? buf : buf.subarray(0, got));
    // Marked handled now: a client may leave while the next read is under way; `await sending` still throws.
    sending.catch(() => undefined);
    position += got;
  }
  await sending;
  res.end();
}
