// The blob store on real files: documents arrive in uneven chunks (as from a socket) and are kept only whole,
// with the registered size and SHA-256; a refused or broken upload leaves nothing behind and never harms a
// document stored before.
import assert from 'node:assert/strict';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { BlobError, createBlobStore } from '../../../server-stub/src/storage/blob-store.js';
import { PIECE_BYTES } from '../../../server-stub/src/storage/piece-writer.js';
import { tempDir } from '../../helpers/temp-dir.js';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const expect = (doc: Buffer) => ({ size: doc.length, sha256: sha256(doc) });

/** `doc` in chunks of 1 byte to 100 KiB, each a copy (a socket hands over fresh buffers). */
function unevenChunks(doc: Buffer): Buffer[] {
  const chunks: Buffer[] = [];
  for (let at = 0, i = 0; at < doc.length; i++) {
    const n = [1, 7, 65536, 100 * 1024, 4093][i % 5] as number;
    chunks.push(Buffer.from(doc.subarray(at, at + n)));
    at += n;
  }
  return chunks;
}

async function openStore(t: Parameters<typeof tempDir>[0]) {
  const dataDir = tempDir(t, 'cps-blobs-');
  return { blobs: await createBlobStore(dataDir), dir: join(dataDir, 'blobs') };
}

describe('blob store', () => {
  it('stores a document of many pieces that arrives in uneven chunks, byte for byte, and no temp file stays', async (t) => {
    const { blobs, dir } = await openStore(t);
    const doc = randomBytes(PIECE_BYTES * 9 + 12345);
    const id = randomUUID();
    await blobs.write(id, Readable.from(unevenChunks(doc)), expect(doc));
    assert.deepEqual(readFileSync(join(dir, `${id}.pdf`)), doc);
    assert.deepEqual(readdirSync(dir), [`${id}.pdf`]);
    assert.equal(await blobs.has(id), true);
  });

  it('refuses a longer document once it passes the size, leaves the request unharmed and keeps nothing', async (t) => {
    const { blobs, dir } = await openStore(t);
    const doc = randomBytes(PIECE_BYTES * 3);
    const source = Readable.from(unevenChunks(Buffer.concat([doc, randomBytes(PIECE_BYTES)])));
    await assert.rejects(
      blobs.write(randomUUID(), source, expect(doc)),
      (err: unknown) => err instanceof BlobError && err.kind === 'too_large',
    );
    assert.equal(source.destroyed, false, 'the server still answers on this request');
    assert.deepEqual(readdirSync(dir), []);
  });

  it('refuses a short document and one with other bytes, and the document stored before stays whole', async (t) => {
    const { blobs, dir } = await openStore(t);
    const doc = randomBytes(PIECE_BYTES * 2 + 5);
    const id = randomUUID();
    await blobs.write(id, Readable.from(unevenChunks(doc)), expect(doc));
    const short = doc.subarray(0, doc.length - 1);
    await assert.rejects(
      blobs.write(id, Readable.from(unevenChunks(short)), expect(doc)),
      (err: unknown) => err instanceof BlobError && err.kind === 'size_mismatch',
    );
    const other = Buffer.from(doc);
    other[PIECE_BYTES + 1] = (other[PIECE_BYTES + 1] ?? 0) ^ 1;
    await assert.rejects(
      blobs.write(id, Readable.from(unevenChunks(other)), expect(doc)),
      (err: unknown) => err instanceof BlobError && err.kind === 'hash_mismatch',
    );
    assert.deepEqual(readFileSync(join(dir, `${id}.pdf`)), doc);
    assert.deepEqual(readdirSync(dir), [`${id}.pdf`]);
  });

  it('answers a connection torn down mid-document with "aborted" and keeps nothing', async (t) => {
    const { blobs, dir } = await openStore(t);
    const doc = randomBytes(PIECE_BYTES * 4);
    // Torn down once the store has taken the first part (a socket reset while the body arrives).
    let reads = 0;
    const source = new Readable({
      read() {
        if (reads++ === 0) this.push(doc.subarray(0, PIECE_BYTES * 2 + 3));
        else this.destroy(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
      },
    });
    await assert.rejects(
      blobs.write(randomUUID(), source, expect(doc)),
      (err: unknown) => err instanceof BlobError && err.kind === 'aborted',
    );
    assert.deepEqual(readdirSync(dir), []);
  });
});
