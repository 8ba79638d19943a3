import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, it } from 'node:test';
import { DRAFT_WRITE_BYTES, DRAFT_WRITES_IN_FLIGHT, openDraft } from '../../../main/spool/draft.js';
import { nodeFileSystem } from '../../../main/spool/file-system.js';
import type { FileSystem } from '../../../main/spool/file-system.js';
import { sha256 } from '../../helpers/pdf.js';
import { tempDir } from '../../helpers/temp-dir.js';

describe('draft document writes', () => {
  it('writes every byte in place when its writes finish out of order, never more than the limit at once', async (t) => {
    let inFlight = 0;
    let most = 0;
    let calls = 0;
    // Each write waits longer than the one after it, so they complete in reverse order.
    const fs: FileSystem = {
      ...nodeFileSystem,
      async write(handle, buffers, position) {
        inFlight++;
        most = Math.max(most, inFlight);
        const delay = Math.max(0, 40 - 10 * (calls++ % DRAFT_WRITES_IN_FLIGHT));
        await new Promise((r) => setTimeout(r, delay));
        await nodeFileSystem.write(handle, buffers, position);
        inFlight--;
      },
    };
    const path = join(tempDir(t), 'doc.pdf.tmp');
    const draft = await openDraft(fs, 'x', path, 1 << 30);
    const data = randomBytes(DRAFT_WRITE_BYTES * 9 + 12345);
    const chunks = Array.from({ length: Math.ceil(data.length / 65536) }, (_, i) =>
      data.subarray(i * 65536, (i + 1) * 65536),
    );
    await pipeline(Readable.from(chunks), draft.stream);
    const doc = await draft.finish();
    assert.equal(doc.size, data.length);
    assert.equal(doc.sha256, sha256(data));
    assert.deepEqual(readFileSync(path), data);
    assert.ok(most > 1, 'writes never overlapped');
    assert.ok(most <= DRAFT_WRITES_IN_FLIGHT, `${most} writes were in flight`);
  });

  it('fails the stream with the first write error and fsyncs nothing', async (t) => {
    let fsyncs = 0;
    const fs: FileSystem = {
      ...nodeFileSystem,
      async write(handle, buffers, position) {
        if ((position ?? 0) > 0) throw Object.assign(new Error('injected'), { code: 'EIO' });
        await nodeFileSystem.write(handle, buffers, position);
      },
      async fsync(h) {
        fsyncs++;
        await nodeFileSystem.fsync(h);
      },
    };
    const draft = await openDraft(fs, 'x', join(tempDir(t), 'doc.pdf.tmp'), 1 << 30);
    const data = randomBytes(DRAFT_WRITE_BYTES * 6);
    const chunks = Array.from({ length: 24 }, (_, i) => data.subarray(i * 65536, (i + 1) * 65536));
    await assert.rejects(pipeline(Readable.from(chunks), draft.stream), /could not store the job/);
    await draft.abort();
    assert.equal(fsyncs, 0);
  });
});
