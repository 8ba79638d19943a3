// Cloud-spool documents on disk: one file per job in `<data-dir>/blobs`, written atomically (temp file,
// fsync, rename, folder fsync) and verified against the size and SHA-256 the desktop registered. The
// interface is narrow so that an S3-compatible store can stand in for a multi-instance deployment.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, mkdirSync } from 'node:fs';
import type { ReadStream } from 'node:fs';
import { open, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { createPieceWriter } from './piece-writer.js';

/** Why a document was not stored. */
export class BlobError extends Error {
  constructor(
    readonly kind: 'too_large' | 'size_mismatch' | 'hash_mismatch' | 'aborted',
    message: string,
  ) {
    super(message);
  }
}

/** Blob ids are server-made job ids (UUIDs): nothing a client names ever becomes a path. */
const BLOB_ID = /^[0-9a-f-]{36}$/;
const TEMP_PREFIX = '.upload-';

/** The blob store. */
export type BlobStore = Awaited<ReturnType<typeof createBlobStore>>;

/** Creates (and makes) the blob folder under the data dir; leftover temp files of a crash are removed. */
export async function createBlobStore(dataDir: string) {
  const dir = join(dataDir, 'blobs');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  for (const name of await readdir(dir)) {
    if (name.startsWith(TEMP_PREFIX)) await rm(join(dir, name), { force: true });
  }
  const pathOf = (id: string) => {
    if (!BLOB_ID.test(id)) throw new Error(`not a blob id: ${id}`);
    return join(dir, `${id}.pdf`);
  };

  async function syncDir(): Promise<void> {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  return {
    /**
     * Streams `source` into the blob `id`; it becomes visible only complete, with exactly `size` bytes
     * hashing to `sha256`. A second write of the same id replaces the first atomically (safe restarts).
     */
    async write(id: string, source: Readable, expected: { size: number; sha256: string }): Promise<void> {
      const target = pathOf(id);
      const temp = join(dir, `${TEMP_PREFIX}${randomBytes(8).toString('hex')}`);
      const hash = createHash('sha256');
      let size = 0;
      const handle = await open(temp, 'wx', 0o600);
      const writer = createPieceWriter(handle);
      let committed = false;
      try {
        // The socket is read no faster than the disk takes it (flat memory): appending waits while the
        // writer's pieces are all under way. On refusal the request is left alone (not destroyed), so the
        // client still gets the answer.
        for await (const chunk of source.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
          size += chunk.length;
          if (size > expected.size) {
            throw new BlobError(
              'too_large',
              `The document is longer than the registered ${expected.size} bytes.`,
            );
          }
          hash.update(chunk);
          const full = writer.append(chunk);
          if (full) await full;
        }
        await writer.finish();
        if (size !== expected.size) {
          throw new BlobError(
            'size_mismatch',
            `Received ${size} bytes; the job was registered with ${expected.size}.`,
          );
        }
        if (hash.digest('hex') !== expected.sha256) {
          throw new BlobError(
            'hash_mismatch',
            'The document does not match the SHA-256 the job was registered with.',
          );
        }
        await handle.sync();
        await handle.close();
        await rename(temp, target);
        committed = true;
        await syncDir();
      } catch (err) {
        if (err instanceof BlobError) throw err;
        const code = (err as { code?: string }).code;
        if (code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE') {
          throw new BlobError(
            'aborted',
            'The upload ended before the whole document arrived; send it again.',
          );
        }
        throw err;
      } finally {
        if (!committed) {
          await writer.settle();
          await handle.close().catch(() => undefined);
          await rm(temp, { force: true });
        }
      }
    },
    /** True when the blob is stored. */
    async has(id: string): Promise<boolean> {
      return stat(pathOf(id)).then(
        () => true,
        () => false,
      );
    },
    /** Opens the blob for streaming (the caller sends it), or undefined when it is not stored. */
    async open(
      id: string,
    ): Promise<{ size: number; stream: (range?: { start: number; end: number }) => ReadStream } | undefined> {
      const path = pathOf(id);
      const info = await stat(path).catch(() => undefined);
      if (!info) return undefined;
      return { size: info.size, stream: (range) => createReadStream(path, range) };
    },
    /** Deletes the blob (no error when it is already gone). */
    async delete(id: string): Promise<void> {
      await rm(pathOf(id), { force: true });
      await syncDir();
    },
  };
}
