// Regression seeds: inputs that crashed, hung or over-read other IPP parsers, and hostile sizes.
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import {
  decode,
  decodeStream,
  IppParseError,
  StatusCode,
  type IppParseErrorCode,
} from '../../../main/ipp/index.js';
import type { IppAttribute, IppValue } from '../../../main/ipp/index.js';
import { chunkedSource, collectGarbage } from './stream-helpers.js';
import { header, int32, item, join, requestStart, tag } from './wire-bytes.js';

const END = tag(0x03);

function rejectsWith(input: Buffer, code: IppParseErrorCode, options = {}): IppParseError {
  let caught: unknown;
  try {
    decode(input, options);
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof IppParseError, `expected IppParseError ${code}, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  return caught;
}

/** A source that makes `count` items on demand (or forever), and counts the bytes it made. */
function generatedSource(prefix: Buffer, makeItem: (i: number) => Buffer, count = Infinity) {
  let i = 0;
  const produced = { bytes: 0 };
  const stream = new Readable({
    read() {
      if (i === 0) {
        produced.bytes += prefix.length;
        this.push(prefix);
      }
      const batch: Buffer[] = [];
      for (let k = 0; k < 64 && i < count; k++) batch.push(makeItem(i++));
      if (batch.length === 0) return void this.push(null);
      const chunk = Buffer.concat(batch);
      produced.bytes += chunk.length;
      this.push(chunk);
    },
  });
  return { stream, produced };
}

describe('IPP decoder regression seeds', () => {
  it('refuses a textWithLanguage whose language length runs past the value (CVE-2020-10001)', () => {
    // The language length says 256 octets; the whole value is 8.
    const lying = Buffer.from([0x01, 0x00, 0x65, 0x6e, 0x00, 0x02, 0x68, 0x69]);
    const error = rejectsWith(
      join(requestStart(), item(0x35, 'job-message', lying), END),
      'bad-language-length',
    );
    assert.equal(error.statusKeyword, 'client-error-bad-request');
    const hugeLanguage = Buffer.from([0xff, 0xff, 0x65, 0x6e, 0x00, 0x00]);
    rejectsWith(join(requestStart(), item(0x36, 'job-name', hugeLanguage), END), 'bad-language-length');
    const textOverrun = Buffer.from([0x00, 0x02, 0x65, 0x6e, 0x7f, 0xff, 0x41]);
    rejectsWith(join(requestStart(), item(0x36, 'job-name', textOverrun), END), 'bad-language-length');
    rejectsWith(join(requestStart(), item(0x35, 'job-message', [0x00]), END), 'bad-language-length');
  });

  it('refuses the reserved 0x7F extension tag instead of reading a 32-bit tag (CVE-2025-58364)', () => {
    // Read the RFC 2910 way, the next four bytes would make tag 0x00000003: end-of-attributes.
    const input = join(requestStart(), tag(0x7f), Buffer.from([0, 0, 0, 3]), item(0x44, 'x', 'y'), END);
    const error = rejectsWith(input, 'extension-tag');
    assert.equal(error.offset, requestStart().length);
  });

  it('refuses an empty name on the first value of an attribute, and accepts it on the next ones', () => {
    rejectsWith(join(header(), tag(0x01), item(0x44, '', 'orphan'), END), 'missing-name');
    // A new group starts with no current attribute, so an empty name there is an orphan too.
    rejectsWith(join(requestStart(), tag(0x02), item(0x44, '', 'orphan'), END), 'missing-name');
    const multi = decode(
      join(requestStart(), item(0x44, 'sides', 'one-sided'), item(0x44, '', 'two-sided-long-edge'), END),
    );
    assert.deepEqual(
      multi.groups[0]?.attributes[1]?.values.map((v) => v.value),
      ['one-sided', 'two-sided-long-edge'],
    );
  });

  it('refuses a value length of 0xFFFF at once, and reports a long value with short data as truncated', () => {
    const negative = join(requestStart(), item(0x30, 'job-password', 'short', { value: 0xffff }));
    const error = rejectsWith(negative, 'invalid-length');
    assert.equal(error.offset, requestStart().length + 3 + 'job-password'.length);
    rejectsWith(join(requestStart(), item(0x44, 'x', 'y', { name: 0xffff })), 'invalid-length');
    rejectsWith(join(requestStart(), item(0x5f, 'vendor', 'short', { value: 0x7fff })), 'truncated');
    rejectsWith(
      join(requestStart(), item(0x30, 'job-password', 'short', { value: 0x7fff })),
      'value-too-long',
    );
  });

  it('fails fast on 10,000 nested collections with the depth limit, without using the call stack', () => {
    const depth = 10_000;
    const parts = [requestStart(), tag(0x02), item(0x34, 'media-col', [])];
    for (let i = 1; i < depth; i++) parts.push(item(0x4a, '', 'm'), item(0x34, '', []));
    for (let i = 0; i < depth; i++) parts.push(item(0x37, '', []));
    const input = join(...parts, END);
    const error = rejectsWith(input, 'collection-too-deep');
    assert.ok(error.offset < 1024, `stopped at byte ${error.offset}, not early`);
    assert.equal(error.status, StatusCode['client-error-request-entity-too-large']);
    // With the limit lifted the parser still copes: its collection stack is on the heap.
    const deep = decode(input, { limits: { maxCollectionDepth: depth, maxAttributes: 2 * depth } });
    let levels = 0;
    let members: IppAttribute[] | undefined = [deep.groups[1]?.attributes[0] as IppAttribute];
    while (members?.[0]) {
      const value: IppValue | undefined = members[0].values[0];
      members = value?.tag === 0x34 ? value.value : undefined;
      if (members) levels += 1;
    }
    assert.equal(levels, depth);
  });

  it('stops 100,000 attributes at the count limit, early and with bounded memory', async () => {
    const attributes = (i: number) => item(0x21, `attribute-${i}`, int32(i));
    const input = join(
      requestStart(),
      tag(0x02),
      ...Array.from({ length: 100_000 }, (_, i) => attributes(i)),
      END,
    );
    collectGarbage();
    const before = process.memoryUsage().heapUsed;
    const error = rejectsWith(input, 'too-many-attributes', {
      limits: { maxSectionBytes: 16 * 1024 * 1024 },
    });
    assert.ok(error.offset < input.length / 5, 'the parser stopped near attribute 10,001');
    collectGarbage();
    assert.ok(
      process.memoryUsage().heapUsed - before < 4 * 1024 * 1024,
      'nothing of the refused request is kept',
    );

    const { stream, produced } = generatedSource(join(requestStart(), tag(0x02)), attributes, 100_000);
    await assert.rejects(
      decodeStream(stream),
      (e: unknown) => e instanceof IppParseError && e.code === 'too-many-attributes',
    );
    assert.ok(produced.bytes < 400 * 1024, `the stream was read up to ${produced.bytes} bytes`);
  });

  it('stops an attribute section that never ends at the size limit instead of buffering it', async () => {
    const value = Buffer.alloc(1000, 0x61);
    const { stream, produced } = generatedSource(join(requestStart(), tag(0x02)), (i) =>
      item(0x30, `a${i}`, value),
    );
    await assert.rejects(decodeStream(stream), (e: unknown) => {
      assert.ok(e instanceof IppParseError);
      assert.equal(e.code, 'section-too-large');
      assert.equal(e.statusKeyword, 'client-error-request-entity-too-large');
      return true;
    });
    assert.ok(produced.bytes < 1024 * 1024 + 256 * 1024, `read ${produced.bytes} bytes for a 1 MiB limit`);
    stream.destroy();

    const small = generatedSource(join(requestStart(), tag(0x02)), (i) => item(0x30, `a${i}`, value));
    await assert.rejects(
      decodeStream(small.stream, { limits: { maxSectionBytes: 64 * 1024 } }),
      /larger than 65536/,
    );
    assert.ok(small.produced.bytes < 256 * 1024);
    small.stream.destroy();
  });

  it('refuses one value that would cross the section limit before its bytes arrive', async () => {
    const start = join(requestStart(), item(0x5f, 'vendor', Buffer.alloc(0), { value: 0x7fff }));
    const source = new Readable({ read() {} });
    const pending = decodeStream(source, { limits: { maxSectionBytes: 1024 } });
    source.push(start); // the declared length alone is over the limit: no need to wait for more
    await assert.rejects(
      pending,
      (e: unknown) => e instanceof IppParseError && e.code === 'section-too-large',
    );
    source.destroy();
  });

  it('reports a request without end-of-attributes-tag as truncated, or as garbage when a document follows', async () => {
    const noEnd = join(requestStart(), item(0x42, 'job-name', 'report'));
    const error = rejectsWith(noEnd, 'truncated');
    assert.equal(error.offset, noEnd.length);
    await assert.rejects(
      decodeStream(chunkedSource(noEnd, [3])),
      (e: unknown) => e instanceof IppParseError && e.code === 'truncated',
    );
    // "%PDF" read as an attribute: tag 0x25, then a name-length of 0x5044.
    rejectsWith(join(noEnd, Buffer.from('%PDF-1.7\n')), 'name-too-long');
  });
});
