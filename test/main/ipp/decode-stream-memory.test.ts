// Backpressure, measured: a 200 MB document goes through the streaming decoder into a slow sink,
// and the process's memory must not grow with it. Memory is asserted; time never is.
//
// A plain Node pipeline fed fresh 64 KiB chunks already shows ~33 MiB of RSS growth: garbage
// ArrayBuffers waiting for V8's external-memory GC heuristic, not retention. So each test controls
// that noise its own way: one source recycles a pool of chunks (the test makes no garbage, so any
// copy the decoder makes shows), the other allocates fresh chunks and collects garbage as it goes
// (so only what is really held shows).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, it } from 'node:test';
import { attr, charsetAndLanguage, decodeStream, encode, group, Operation } from '../../../main/ipp/index.js';
import { collectGarbage } from './stream-helpers.js';

const CHUNK = 64 * 1024;
const DOCUMENT_BYTES = 200 * 1024 * 1024;
const MiB = 1024 * 1024;

interface Run {
  rssGrowth: number;
  furthestAhead: number;
  consumed: number;
  intact: boolean;
}

/** Streams the document through decodeStream() into a sink slower than the source. */
async function streamDocument(chunkAt: (index: number) => Buffer, collectEvery?: number): Promise<Run> {
  const head = encode({
    version: { major: 2, minor: 0 },
    operationIdOrStatus: Operation['Print-Job'],
    requestId: 1,
    groups: [
      group('operation', [
        ...charsetAndLanguage(),
        attr('document-format', 'mimeMediaType', 'application/pdf'),
      ]),
    ],
  });
  const sent = createHash('sha256');
  const received = createHash('sha256');
  let produced = 0;
  let consumed = 0;
  let furthestAhead = 0;
  let first = true;
  const source = new Readable({
    read() {
      if (first) {
        first = false;
        this.push(head);
      }
      if (produced >= DOCUMENT_BYTES) return void this.push(null);
      const chunk = chunkAt(produced / CHUNK);
      sent.update(chunk);
      produced += chunk.length;
      this.push(chunk);
    },
  });

  collectGarbage();
  const rssBefore = process.memoryUsage.rss();
  let rssPeak = rssBefore;
  let writes = 0;
  const slowSink = new Writable({
    highWaterMark: CHUNK,
    write(chunk: Buffer, _encoding, done) {
      received.update(chunk);
      consumed += chunk.length;
      furthestAhead = Math.max(furthestAhead, produced - consumed);
      writes += 1;
      if (collectEvery !== undefined && writes % collectEvery === 0) collectGarbage();
      if (writes % 64 === 0) rssPeak = Math.max(rssPeak, process.memoryUsage.rss());
      // Slower than the source: a timer every 32 chunks, a macrotask for the others.
      if (writes % 32 === 0) setTimeout(done, 1);
      else setImmediate(done);
    },
  });

  const { body } = await decodeStream(source);
  await pipeline(body, slowSink);
  rssPeak = Math.max(rssPeak, process.memoryUsage.rss());
  return {
    rssGrowth: rssPeak - rssBefore,
    furthestAhead,
    consumed,
    intact: received.digest('hex') === sent.digest('hex'),
  };
}

/** Bytes that are not valid UTF-8 anywhere: 0xFF and lone continuation bytes. */
function invalidUtf8Chunk(): Buffer {
  const chunk = Buffer.alloc(CHUNK);
  for (let i = 0; i < CHUNK; i++) chunk[i] = i % 3 === 0 ? 0xff : (i * 131) & 0xbf;
  return chunk;
}

function report(t: { diagnostic(message: string): void }, run: Run): void {
  t.diagnostic(
    `RSS growth ${(run.rssGrowth / MiB).toFixed(1)} MiB; source ahead of sink by at most ${(run.furthestAhead / MiB).toFixed(2)} MiB`,
  );
  assert.equal(run.consumed, DOCUMENT_BYTES);
  assert.ok(run.intact, 'the document arrived changed');
  assert.ok(run.furthestAhead < 2 * MiB, `the source ran ${run.furthestAhead} bytes ahead of the sink`);
  assert.ok(run.rssGrowth < 32 * MiB, `RSS grew by ${(run.rssGrowth / MiB).toFixed(1)} MiB`);
}

describe('IPP streaming decoder memory', () => {
  it(
    'streams 200 MB from a pooled source into a slow sink without copies: RSS growth under 32 MB',
    { timeout: 300_000 },
    async (t) => {
      // A decoder holding more than 64 chunks would see them overwritten: the hash check fails.
      const pool = Array.from({ length: 64 }, invalidUtf8Chunk);
      const run = await streamDocument((index) => {
        const chunk = pool[index % pool.length] as Buffer;
        chunk.writeUInt32BE(index);
        return chunk;
      });
      report(t, run);
    },
  );

  it(
    'streams 200 MB of fresh chunks into a slow sink holding nothing: RSS growth under 32 MB',
    { timeout: 300_000 },
    async (t) => {
      const pattern = invalidUtf8Chunk();
      const run = await streamDocument((index) => {
        const chunk = Buffer.from(pattern);
        chunk.writeUInt32BE(index);
        return chunk;
      }, 128);
      report(t, run);
    },
  );
});
