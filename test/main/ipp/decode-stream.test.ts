import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createServer, request as httpRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, it } from 'node:test';
import {
  attr,
  charsetAndLanguage,
  decode,
  decodeStream,
  encode,
  encodeWithDocument,
  group,
  IppParseError,
  Operation,
  type DecodedStream,
  type IppMessage,
} from '../../../main/ipp/index.js';
import { chunkedSource, collect } from './stream-helpers.js';

const printJob: IppMessage = {
  version: { major: 2, minor: 0 },
  operationIdOrStatus: Operation['Print-Job'],
  requestId: 3,
  groups: [
    group('operation', [
      ...charsetAndLanguage(),
      attr('printer-uri', 'uri', 'ipp://127.0.0.1:5572/ipp/print'),
      attr('document-format', 'mimeMediaType', 'application/pdf'),
    ]),
  ],
};

const isParseError = (code: string) => (e: unknown) => e instanceof IppParseError && e.code === code;

describe('IPP streaming decoder', () => {
  it('resolves as soon as the attributes are in, before the document has arrived', async () => {
    const source = new PassThrough();
    const decoding = decodeStream(source);
    source.write(encode(printJob));
    source.write(Buffer.from('%PDF-'));
    const { message, body } = await decoding; // resolves with the source still open
    assert.deepEqual(message, printJob);
    source.end(Buffer.from('1.7\n'));
    assert.equal((await collect(body)).toString(), '%PDF-1.7\n');
  });

  it('rejects with stream-error when the source fails, and truncated when it ends early', async () => {
    const failing = new PassThrough();
    const decoding = decodeStream(failing);
    failing.write(encode(printJob).subarray(0, 20));
    await new Promise((resolve) => setImmediate(resolve)); // let the decoder take the 20 bytes
    failing.destroy(new Error('ECONNRESET'));
    await assert.rejects(decoding, (e: unknown) => {
      assert.ok(e instanceof IppParseError);
      assert.equal(e.code, 'stream-error');
      assert.equal(e.offset, 20);
      assert.equal((e.cause as Error).message, 'ECONNRESET');
      return true;
    });
    await assert.rejects(
      decodeStream(Readable.from([encode(printJob).subarray(0, 30)])),
      isParseError('truncated'),
    );
    const closed = new PassThrough();
    const closing = decodeStream(closed);
    closed.destroy();
    await assert.rejects(closing, isParseError('stream-error'));
    await assert.rejects(decodeStream(closed), isParseError('stream-error'));
  });

  it('refuses a source that yields strings instead of bytes', async () => {
    const source = new PassThrough();
    source.setEncoding('latin1');
    const decoding = decodeStream(source);
    source.end(encode(printJob));
    await assert.rejects(decoding, isParseError('stream-error'));
  });

  it('forwards a source failure during the document as an IppParseError on the body', async () => {
    const source = new PassThrough();
    const decoding = decodeStream(source);
    source.write(Buffer.concat([encode(printJob), Buffer.from('partial')]));
    const { body } = await decoding;
    const collected = collect(body);
    source.destroy(new Error('socket hang up'));
    await assert.rejects(collected, isParseError('stream-error'));
  });

  it('destroys the source when the reader of the body gives up', async () => {
    const source = new PassThrough();
    const decoding = decodeStream(source);
    source.write(Buffer.concat([encode(printJob), Buffer.alloc(1000)]));
    const { body } = await decoding;
    body.destroy();
    await once(source, 'close');
    assert.equal(source.destroyed, true);
  });

  it('does not read the source further than the reader of the body asks', async () => {
    let produced = 0;
    const source = new Readable({
      highWaterMark: 16 * 1024,
      read() {
        produced += 16 * 1024;
        this.push(Buffer.alloc(16 * 1024, 0xab));
      },
    });
    source.unshift(encode(printJob));
    const { body } = await decodeStream(source);
    await new Promise((resolve) => setTimeout(resolve, 50)); // nobody reads the body
    assert.ok(produced <= 64 * 1024, `the source ran ahead by ${produced} bytes`);
    let seen = 0;
    for await (const chunk of body) {
      seen += (chunk as Buffer).length;
      if (seen > 1024 * 1024) break; // breaking destroys body, and with it the endless source
    }
    assert.ok(produced <= seen + 128 * 1024, `${produced} produced for ${seen} read`);
  });

  it('carries a document over a real HTTP request on loopback, byte for byte', async () => {
    const document = Buffer.alloc(3 * 1024 * 1024 + 17);
    for (let i = 0; i < document.length; i++) document[i] = (i * 7919) & 0xff;
    const received = new Promise<{ decoded: DecodedStream; hash: string }>((resolve, reject) => {
      const server = createServer((req: IncomingMessage, res) => {
        decodeStream(req)
          .then(async (decoded) => {
            const hash = createHash('sha256');
            await pipeline(decoded.body, hash);
            res.end();
            server.close();
            resolve({ decoded, hash: hash.digest('hex') });
          })
          .catch(reject);
      });
      server.listen(0, '127.0.0.1', () => {
        const { port } = server.address() as AddressInfo;
        const req = httpRequest({
          host: '127.0.0.1',
          port,
          method: 'POST',
          headers: { 'content-type': 'application/ipp' },
        });
        req.on('error', reject);
        encodeWithDocument(printJob, Readable.from(chunks(document, 50_000))).pipe(req);
      });
    });
    const { decoded, hash } = await received;
    assert.deepEqual(decoded.message, printJob);
    assert.equal(hash, createHash('sha256').update(document).digest('hex'));
  });

  it('agrees with the sync decoder on the section length', async () => {
    const wire = Buffer.concat([encode(printJob), Buffer.from([1, 2, 3])]);
    const { sectionLength, message } = await decodeStream(chunkedSource(wire, [5]));
    assert.equal(sectionLength, wire.length - 3);
    assert.deepEqual(message, decode(wire));
  });
});

function* chunks(bytes: Buffer, size: number): Generator<Buffer> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}
