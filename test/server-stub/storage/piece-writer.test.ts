// The piece writer over a file handle whose writes the test finishes by hand: a real disk cannot be made to
// hold a write, write short or fail on cue, and those are the cases that decide memory and correctness.
// (blob-store.test.ts runs the writer on real files.)
import assert from 'node:assert/strict';
import type { FileHandle } from 'node:fs/promises';
import { describe, it } from 'node:test';
import {
  createPieceWriter,
  PIECE_BYTES,
  PIECES_IN_FLIGHT,
} from '../../../server-stub/src/storage/piece-writer.js';

interface HeldWrite {
  bytes: Buffer;
  position: number;
  finish(bytesWritten?: number): void;
  fail(error: Error): void;
}

/** A handle whose writev calls wait until the test finishes them; what was finished is in `file`. */
function heldHandle() {
  const writes: HeldWrite[] = [];
  const file: Buffer[] = [];
  const handle = {
    writev(buffers: Buffer[], position: number) {
      return new Promise<{ bytesWritten: number }>((resolve, reject) => {
        const bytes = Buffer.concat(buffers);
        writes.push({
          bytes,
          position,
          finish(bytesWritten = bytes.length) {
            file.push(Buffer.from(bytes.subarray(0, bytesWritten)));
            resolve({ bytesWritten });
          },
          fail: reject,
        });
      });
    },
  };
  return { handle: handle as unknown as FileHandle, writes, file };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));
const chunk = (n: number, fill: number) => Buffer.alloc(n, fill);

describe('piece writer', () => {
  it('gathers small chunks into pieces written at consecutive positions, and writes the rest on finish', async () => {
    const { handle, writes } = heldHandle();
    const writer = createPieceWriter(handle);
    const size = 64 * 1024;
    for (let i = 0; i < PIECE_BYTES / size; i++) assert.equal(writer.append(chunk(size, i)), undefined);
    assert.equal(writes.length, 1, 'one write for a whole piece');
    assert.equal(writes[0]?.bytes.length, PIECE_BYTES);
    assert.equal(writes[0]?.position, 0);
    writer.append(chunk(10, 9));
    assert.equal(writes.length, 1, 'less than a piece waits for more');
    const finished = writer.finish();
    assert.equal(writes.length, 2);
    assert.equal(writes[1]?.position, PIECE_BYTES);
    assert.deepEqual(writes[1]?.bytes, chunk(10, 9));
    writes.forEach((w) => w.finish());
    await finished;
  });

  it(`stops taking chunks while ${PIECES_IN_FLIGHT} writes are under way, so memory stays bounded`, async () => {
    const { handle, writes } = heldHandle();
    const writer = createPieceWriter(handle);
    for (let i = 0; i < PIECES_IN_FLIGHT - 1; i++)
      assert.equal(writer.append(chunk(PIECE_BYTES, i)), undefined);
    const wait = writer.append(chunk(PIECE_BYTES, 7));
    assert.ok(wait, 'the caller must wait');
    let resumed = false;
    void wait.then(() => (resumed = true));
    await flush();
    assert.equal(resumed, false, 'no room until a write ends');
    writes[2]?.finish();
    await flush();
    assert.equal(resumed, true);
    const finished = writer.finish();
    writes.forEach((w, i) => i !== 2 && w.finish());
    await finished;
  });

  it('continues a short write where it stopped', async () => {
    const { handle, writes, file } = heldHandle();
    const writer = createPieceWriter(handle);
    const data = Buffer.from(Array.from({ length: PIECE_BYTES }, (_, i) => i % 251));
    writer.append(data);
    const finished = writer.finish();
    writes[0]?.finish(1000);
    await flush();
    assert.equal(writes.length, 2);
    assert.equal(writes[1]?.position, 1000);
    writes[1]?.finish();
    await finished;
    assert.deepEqual(Buffer.concat(file), data);
  });

  it('fails the next append and finish with the first write error, and settles before the file is closed', async () => {
    const { handle, writes } = heldHandle();
    const writer = createPieceWriter(handle);
    writer.append(chunk(PIECE_BYTES, 1));
    writer.append(chunk(PIECE_BYTES, 2));
    writes[0]?.fail(Object.assign(new Error('no space left on device'), { code: 'ENOSPC' }));
    await flush();
    await assert.rejects(writer.append(chunk(1, 3)) as Promise<void>, { code: 'ENOSPC' });
    await assert.rejects(writer.finish(), { code: 'ENOSPC' });
    let settled = false;
    const settling = writer.settle().then(() => (settled = true));
    await flush();
    assert.equal(settled, false, 'a write is still under way');
    writes[1]?.finish();
    await settling;
  });
});
