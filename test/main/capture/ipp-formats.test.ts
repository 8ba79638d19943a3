// Document formats and compression over IPP: PDF stored as sent, JPEG and rasters converted with one page
// per image or raster page, octet-stream sniffed, gzip and deflate (raw and zlib-wrapped) undone.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { GroupTag, attr, encode } from '../../../main/ipp/index.js';
import type { Job } from '../../../main/spool/job.js';
import { makePdf, sha256 } from '../../helpers/pdf.js';
import { inspectPdf } from '../convert/helpers/pdf-inspect.js';
import {
  encodeLines,
  PWG_SYNC,
  pwgPageHeader,
  urfFileHeader,
  urfPageHeader,
} from '../convert/helpers/raster-encoder.js';
import { FIXTURE_JPEG, paddedJpeg, tinyPdf } from './documents.js';
import { call, ippRequest, messageOf, postIpp, statusOf, valuesOf } from './ipp-client.js';
import { startTestPrinter, strayFiles } from './test-printer.js';
import type { TestPrinter } from './test-printer.js';

/** The fixture JPEG grown past the 1 KiB sniffing window, so sniffing sees a whole head. */
const JPEG = paddedJpeg(4096);

function print(p: TestPrinter, document: Buffer, format: string, compression?: string) {
  return call(
    p.port,
    ippRequest('Print-Job', p.uri, [
      attr('requesting-user-name', 'nameWithoutLanguage', 'formats'),
      attr('document-format', 'mimeMediaType', format),
      ...(compression === undefined ? [] : [attr('compression', 'keyword', compression)]),
    ]),
    document,
  );
}

function gzipRequest(p: TestPrinter) {
  return ippRequest('Print-Job', p.uri, [
    attr('document-format', 'mimeMediaType', 'application/pdf'),
    attr('compression', 'keyword', 'gzip'),
  ]);
}

/** A body sent as `first`, then `second` after `delayMs` (chunked, as a slow client would). */
function twoParts(first: Buffer, second: Buffer, delayMs: number): Readable {
  return Readable.from(
    (async function* () {
      yield first;
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      yield second;
    })(),
    { objectMode: false },
  );
}

function onlyJob(p: TestPrinter): Job {
  const jobs = p.store.list(10).jobs;
  assert.equal(jobs.length, 1, `expected one job, found ${jobs.length}`);
  return jobs[0] as Job;
}

function storedPdf(p: TestPrinter, job: Job): Buffer {
  return readFileSync(join(p.dataDir, 'spool', `${job.id}.pdf`));
}

/** `count` lines of `width` pixels with a dark run, a ramp and a white tail. */
function rasterLines(width: number, count: number, components: number, seed: number): Buffer[] {
  return Array.from({ length: count }, (_, y) => {
    const line = Buffer.alloc(width * components, 0xff);
    for (let x = 0; x < width / 2; x++)
      for (let c = 0; c < components; c++) line[x * components + c] = (x * 13 + y * 7 + seed + c * 50) & 0xff;
    return line;
  });
}

/** A PWG raster document with one sGray page per entry of `heights`. */
function pwgDocument(heights: number[]): Buffer {
  const pages = heights.map((height, i) =>
    Buffer.concat([
      pwgPageHeader({
        widthPx: 32,
        heightPx: height,
        colorSpace: 18,
        bitsPerColor: 8,
        components: 1,
        xDpi: 72,
        yDpi: 72,
      }),
      encodeLines(rasterLines(32, height, 1, i), 1, { fillToEnd: true, whiteByte: 0xff }),
    ]),
  );
  return Buffer.concat([PWG_SYNC, ...pages]);
}

/** An Apple raster document with one sRGB page per entry of `heights`. */
function urfDocument(heights: number[]): Buffer {
  const pages = heights.map((height, i) =>
    Buffer.concat([
      urfPageHeader({ widthPx: 20, heightPx: height, bitsPerPixel: 24, colorSpace: 1, dpi: 72 }),
      encodeLines(rasterLines(20, height, 3, i), 3, { fillToEnd: true }),
    ]),
  );
  return Buffer.concat([urfFileHeader(heights.length), ...pages]);
}

describe('virtual printer: document formats', () => {
  it('converts a JPEG to a one-page PDF showing that image', async (t) => {
    const p = await startTestPrinter(t);
    const answer = await print(p, JPEG, 'image/jpeg');
    assert.equal(statusOf(answer), 'successful-ok', messageOf(answer));
    const job = onlyJob(p);
    assert.equal(job.pages, 1);
    const pdf = storedPdf(p, job);
    assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
    const { images } = await inspectPdf(pdf);
    assert.equal(images.length, 1);
    assert.equal(images[0]?.filter, 'DCTDecode');
    assert.equal(images[0]?.colorSpace, 'DeviceRGB');
  });

  it('converts PWG raster to a PDF with one page per raster page', async (t) => {
    const p = await startTestPrinter(t);
    const answer = await print(p, pwgDocument([24, 40]), 'image/pwg-raster');
    assert.equal(statusOf(answer), 'successful-ok', messageOf(answer));
    const job = onlyJob(p);
    assert.equal(job.pages, 2);
    const { pageSizes, images } = await inspectPdf(storedPdf(p, job));
    assert.deepEqual(pageSizes, [
      { widthPt: 32, heightPt: 24 },
      { widthPt: 32, heightPt: 40 },
    ]);
    assert.ok(images[1]?.samples.equals(Buffer.concat(rasterLines(32, 40, 1, 1))), 'page 2 has its pixels');
  });

  it('converts Apple raster (URF) to a PDF with one page per raster page', async (t) => {
    const p = await startTestPrinter(t);
    const answer = await print(p, urfDocument([10, 12, 14]), 'image/urf');
    assert.equal(statusOf(answer), 'successful-ok', messageOf(answer));
    const job = onlyJob(p);
    assert.equal(job.pages, 3);
    const { images } = await inspectPdf(storedPdf(p, job));
    assert.deepEqual(
      images.map((i) => [i.width, i.height, i.colorSpace]),
      [
        [20, 10, 'DeviceRGB'],
        [20, 12, 'DeviceRGB'],
        [20, 14, 'DeviceRGB'],
      ],
    );
  });

  it('sniffs a PDF sent as application/octet-stream and stores it byte-identical', async (t) => {
    const p = await startTestPrinter(t);
    const pdf = await makePdf(2);
    const answer = await print(p, pdf, 'application/octet-stream');
    assert.equal(statusOf(answer), 'successful-ok', messageOf(answer));
    const job = onlyJob(p);
    assert.equal(job.sha256, sha256(pdf));
    assert.equal(job.pages, 2);
  });

  it('sniffs a JPEG sent as application/octet-stream and converts it', async (t) => {
    const p = await startTestPrinter(t);
    const answer = await print(p, JPEG, 'application/octet-stream');
    assert.equal(statusOf(answer), 'successful-ok', messageOf(answer));
    const job = onlyJob(p);
    assert.equal(job.pages, 1);
    assert.notEqual(job.sha256, sha256(JPEG), 'the JPEG became a PDF');
    assert.equal(storedPdf(p, job).subarray(0, 5).toString('latin1'), '%PDF-');
  });

  it('takes a document with no document-format as octet-stream and sniffs it', async (t) => {
    const p = await startTestPrinter(t);
    const answer = await call(p.port, ippRequest('Print-Job', p.uri), pwgDocument([8]));
    assert.equal(statusOf(answer), 'successful-ok', messageOf(answer));
    assert.equal(onlyJob(p).pages, 1);
  });

  it('sniffs a PDF shorter than the 1 KiB sniffing window, answering in time and leaving no temp file', async (t) => {
    const p = await startTestPrinter(t);
    const pdf = tinyPdf();
    assert.ok(pdf.length < 1024);
    const answer = await call(
      p.port,
      ippRequest('Print-Job', p.uri, [attr('document-format', 'mimeMediaType', 'application/octet-stream')]),
      pdf,
      { timeoutMs: 5000 },
    );
    assert.equal(statusOf(answer), 'successful-ok', messageOf(answer));
    assert.equal(onlyJob(p).sha256, sha256(pdf));
  });

  it('sniffs a JPEG shorter than the 1 KiB sniffing window', async (t) => {
    const p = await startTestPrinter(t);
    assert.ok(FIXTURE_JPEG.length < 1024);
    const answer = await print(p, FIXTURE_JPEG, 'application/octet-stream');
    assert.equal(statusOf(answer), 'successful-ok', messageOf(answer));
    assert.equal(onlyJob(p).pages, 1);
  });

  it('refuses octet-stream bytes that are no format it knows, and keeps nothing', async (t) => {
    const p = await startTestPrinter(t);
    const answer = await print(p, Buffer.from('Hello, printer.\n'.repeat(200)), 'application/octet-stream');
    assert.equal(statusOf(answer), 'client-error-document-format-not-supported');
    assert.equal(p.store.size, 0);
    assert.deepEqual(p.spoolFiles(), []);
  });

  it('refuses text/plain with client-error-document-format-not-supported, naming the format', async (t) => {
    const p = await startTestPrinter(t);
    const answer = await print(p, Buffer.from('plain text\n'), 'text/plain');
    assert.equal(statusOf(answer), 'client-error-document-format-not-supported');
    assert.deepEqual(valuesOf(answer, 'document-format', GroupTag.unsupported), ['text/plain']);
    assert.equal(p.store.size, 0);
    assert.deepEqual(p.spoolFiles(), []);
  });

  it('takes the document-format in any letter case', async (t) => {
    const p = await startTestPrinter(t);
    const pdf = await makePdf(1);
    const answer = await print(p, pdf, 'Application/PDF');
    assert.equal(statusOf(answer), 'successful-ok', messageOf(answer));
    assert.equal(onlyJob(p).sha256, sha256(pdf));
  });
});

describe('virtual printer: compression', () => {
  const cases: Array<[string, string, (b: Buffer) => Buffer]> = [
    ['gzip', 'gzip', (b) => gzipSync(b)],
    ['deflate as raw RFC 1951', 'deflate', (b) => deflateRawSync(b)],
    ['deflate with the zlib wrapper (RFC 1950)', 'deflate', (b) => deflateSync(b)],
  ];
  for (const [label, compression, compress] of cases) {
    it(`stores the decompressed PDF of a ${label} document`, async (t) => {
      const p = await startTestPrinter(t);
      const pdf = await makePdf(3, { padBytes: 200_000 });
      const answer = await print(p, compress(pdf), 'application/pdf', compression);
      assert.equal(statusOf(answer), 'successful-ok', messageOf(answer));
      const job = onlyJob(p);
      assert.equal(job.sha256, sha256(pdf));
      assert.equal(job.size, pdf.length);
      assert.equal(job.pages, 3);
      assert.deepEqual(strayFiles(p.spoolFiles()), []);
    });
  }

  it('sniffs and converts a gzip-compressed JPEG sent as octet-stream', async (t) => {
    const p = await startTestPrinter(t);
    const answer = await print(p, gzipSync(JPEG), 'application/octet-stream', 'gzip');
    assert.equal(statusOf(answer), 'successful-ok', messageOf(answer));
    assert.equal(onlyJob(p).pages, 1);
  });

  it('refuses an unknown compression with client-error-compression-not-supported', async (t) => {
    const p = await startTestPrinter(t);
    const answer = await print(p, await makePdf(1), 'application/pdf', 'compress');
    assert.equal(statusOf(answer), 'client-error-compression-not-supported');
    assert.deepEqual(valuesOf(answer, 'compression', GroupTag.unsupported), ['compress']);
    assert.equal(p.store.size, 0);
    assert.deepEqual(p.spoolFiles(), []);
  });

  it('refuses a corrupt gzip stream with client-error-compression-error and leaves nothing in the spool', async (t) => {
    const p = await startTestPrinter(t);
    const gz = gzipSync(await makePdf(2, { padBytes: 100_000 }));
    const corrupt = Buffer.from(gz);
    for (let i = 200; i < 260; i++) corrupt[i] = (corrupt[i] ?? 0) ^ 0x5a;
    const notGzip = Buffer.from('definitely not gzip data, just text');
    for (const [label, body] of [
      ['damaged deflate blocks', corrupt],
      ['no gzip header', notGzip],
      ['cut short', gz.subarray(0, gz.length >> 1)],
    ] as const) {
      // The document's first byte goes alone, the rest 200 ms later: by then the printer is reading the
      // document into a draft (the race before that point is the next test's subject).
      const head = encode(gzipRequest(p));
      const answer = await postIpp(
        p.port,
        twoParts(Buffer.concat([head, body.subarray(0, 1)]), body.subarray(1), 200),
      );
      assert.equal(statusOf(answer), 'client-error-compression-error', `${label}: ${messageOf(answer)}`);
      assert.equal(p.store.size, 0, label);
      assert.deepEqual(p.spoolFiles(), [], `${label}: nothing left in the spool`);
    }
  });

  it('refuses empty deflate documents with client-error-compression-error, without an uncaught zlib error', async (t) => {
    // The inflater ends at once ("unexpected end of file") while the printer is still opening the job's
    // draft file; its 'error' must have a listener by then. One at a time, then ten at once.
    const p = await startTestPrinter(t);
    const empty = () => print(p, Buffer.alloc(0), 'application/pdf', 'deflate');
    const answers = [await empty(), await empty(), ...(await Promise.all(Array.from({ length: 10 }, empty)))];
    assert.deepEqual([...new Set(answers.map(statusOf))], ['client-error-compression-error']);
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.deepEqual(p.spoolFiles(), []);
  });

  it('survives 40 corrupt gzip documents at once: each refused, no uncaught zlib error', async (t) => {
    // The inflater must have an error listener from the moment bytes reach it; an 'error' event without
    // one is an uncaught exception that would take the spooler down (the test runner fails this test).
    const p = await startTestPrinter(t);
    const gz = gzipSync(await makePdf(2, { padBytes: 100_000 }));
    const damaged = Buffer.from(gz);
    for (let i = 10; i < 40; i++) damaged[i] = (gz[i] ?? 0) ^ 0x5a;
    const bodies = [Buffer.from('not gzip at all, just text'), damaged];
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) => print(p, bodies[i % 2] as Buffer, 'application/pdf', 'gzip')),
    );
    assert.deepEqual([...new Set(answers.map(statusOf))], ['client-error-compression-error']);
    assert.deepEqual(p.spoolFiles(), []);
  });
});
