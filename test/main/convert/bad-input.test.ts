import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Readable, Writable } from 'node:stream';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ConversionError, convertToPdf, type ConvertibleFormat } from '../../../main/convert/index.js';
import { chunkedStream, collectingWritable, convertBytes } from './helpers/pdf-inspect.js';
import {
  encodeLines,
  PWG_SYNC,
  pwgPageHeader,
  type PwgPageSpec,
  urfFileHeader,
  urfPageHeader,
} from './helpers/raster-encoder.js';

const JPEG = readFileSync(new URL('./fixtures/quadrants-rgb.jpg', import.meta.url));
const SPEC: PwgPageSpec = {
  widthPx: 16,
  heightPx: 12,
  colorSpace: 19,
  bitsPerColor: 8,
  components: 3,
  xDpi: 72,
  yDpi: 72,
};

function sampleLines(widthPx: number, heightPx: number, components: number): Buffer[] {
  return Array.from({ length: heightPx }, (_, y) =>
    Buffer.from(
      Array.from({ length: widthPx * components }, (_, i) =>
        i < 12 ? 0x30 : y > 8 ? 0xff : (i * 7 + y) & 0xff,
      ),
    ),
  );
}

const pwgPage = Buffer.concat([
  pwgPageHeader(SPEC),
  encodeLines(sampleLines(16, 12, 3), 3, { fillToEnd: true }),
]);
const PWG = Buffer.concat([PWG_SYNC, pwgPage, pwgPage]);
const urfPage = Buffer.concat([
  urfPageHeader({ widthPx: 16, heightPx: 12, bitsPerPixel: 8, colorSpace: 0, dpi: 72 }),
  encodeLines(sampleLines(16, 12, 1), 1, { fillToEnd: true }),
]);
const URF = Buffer.concat([urfFileHeader(2), urfPage, urfPage]);

/** Asserts that a conversion fails with a ConversionError of the given code. */
async function rejectsWith(
  promise: Promise<unknown>,
  code: ConversionError['code'],
  message?: RegExp,
): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof ConversionError, `expected a ConversionError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    if (message !== undefined) assert.match(error.message, message);
    return true;
  });
}

describe('bad input', () => {
  it('reports a document cut off at any byte as truncated, or at a page boundary as fewer pages', async () => {
    const cases: Array<[ConvertibleFormat, Buffer, number[], number]> = [
      ['image/pwg-raster', PWG, [4 + pwgPage.length], 4],
      ['image/urf', URF, [12 + urfPage.length], 12],
      ['image/jpeg', JPEG, [], -1],
    ];
    for (const [format, document, pageBoundaries, emptyAt] of cases) {
      for (let cut = 0; cut < document.length; cut++) {
        const attempt = convertBytes(format, document.subarray(0, cut), { chunkSize: 97 });
        if (pageBoundaries.includes(cut)) {
          assert.equal((await attempt).result.pages, 1, `${format} cut at ${cut}`);
        } else if (cut === 0 || cut === emptyAt) {
          await rejectsWith(attempt, 'no-pages');
        } else {
          await rejectsWith(attempt, 'truncated');
        }
      }
    }
  });

  it('refuses a stream without the right signature as a bad header', async () => {
    await rejectsWith(
      convertBytes('image/pwg-raster', Buffer.concat([Buffer.from('RaS3'), pwgPage])),
      'bad-header',
      /not PWG raster/,
    );
    await rejectsWith(convertBytes('image/pwg-raster', Buffer.from('%PDF-1.7\n')), 'bad-header');
    await rejectsWith(
      convertBytes('image/urf', Buffer.concat([Buffer.from('UNIRAST!'), URF.subarray(8)])),
      'bad-header',
    );
    await rejectsWith(convertBytes('image/jpeg', Buffer.from('GIF89a')), 'bad-header', /not a JPEG/);
    await rejectsWith(
      convertBytes('image/jpeg', Buffer.from([0xff, 0xd8, 0xff, 0xda, 0, 4, 0, 0])),
      'bad-header',
    );
  });

  it('refuses pages beyond the pixel and line limits before reading their data', async () => {
    const wide = Buffer.concat([PWG_SYNC, pwgPageHeader({ ...SPEC, widthPx: 100_000 })]);
    await rejectsWith(convertBytes('image/pwg-raster', wide), 'too-large', /100000 x 12 pixels/);
    const tall = Buffer.concat([
      urfFileHeader(1),
      urfPageHeader({ widthPx: 8, heightPx: 10_000_000, bitsPerPixel: 8, colorSpace: 0, dpi: 300 }),
    ]);
    await rejectsWith(convertBytes('image/urf', tall), 'too-large');
    const jpeg = Buffer.from(JPEG);
    const frame = jpeg.indexOf(Buffer.from([0xff, 0xc0]));
    jpeg.writeUInt16BE(65_000, frame + 7); // width
    await rejectsWith(convertBytes('image/jpeg', jpeg), 'too-large');
    await rejectsWith(
      convertBytes('image/pwg-raster', PWG, { limits: { maxBytesPerLine: 40 } }),
      'too-large',
      /lines of 48 bytes/,
    );
  });

  it('enforces the page, input and decoded-size limits', async () => {
    await rejectsWith(
      convertBytes('image/pwg-raster', PWG, { limits: { maxPages: 1 } }),
      'too-large',
      /more than 1 pages/,
    );
    await rejectsWith(
      convertBytes('image/urf', URF, { limits: { maxInputBytes: 100 } }),
      'too-large',
      /larger than/,
    );
    await rejectsWith(convertBytes('image/jpeg', JPEG, { limits: { maxInputBytes: 500 } }), 'too-large');
    // A page claiming 100 MB of pixels in a few bytes of PackBits.
    const bomb = Buffer.concat([
      PWG_SYNC,
      pwgPageHeader({ ...SPEC, widthPx: 10_000, heightPx: 10_000, components: 1, colorSpace: 18 }),
      Buffer.from([0xff, 0x80]),
    ]);
    await rejectsWith(
      convertBytes('image/pwg-raster', bomb, { limits: { maxDecodedBytes: 50_000_000 } }),
      'too-large',
    );
  });

  it('names what is wrong in a damaged or unsupported PWG header', async () => {
    const convert = (spec: Partial<PwgPageSpec>): Promise<unknown> =>
      convertBytes(
        'image/pwg-raster',
        Buffer.concat([PWG_SYNC, pwgPageHeader({ ...SPEC, ...spec }), Buffer.alloc(64)]),
      );
    await rejectsWith(convert({ bytesPerLine: 47 }), 'bad-header', /47 bytes per line/);
    await rejectsWith(convert({ bitsPerPixel: 32 }), 'bad-header', /32 bits per pixel/);
    await rejectsWith(convert({ widthPx: 0 }), 'bad-header');
    await rejectsWith(convert({ xDpi: 0 }), 'bad-header', /no resolution/);
    await rejectsWith(convert({ colorOrder: 1 }), 'unsupported', /chunky/);
    await rejectsWith(convert({ colorSpace: 48, components: 1 }), 'unsupported', /colour space 48/);
    await rejectsWith(convert({ bitsPerColor: 4 }), 'unsupported', /4 bits per colour/);
    await rejectsWith(convert({ bitsPerColor: 1 }), 'unsupported');
  });

  it('refuses a format it does not convert', async () => {
    await rejectsWith(
      convertToPdf('image/png' as ConvertibleFormat, Readable.from([]), collectingWritable().stream),
      'unsupported',
    );
  });

  it(
    'throws nothing but ConversionError for mutated documents, whatever the chunking',
    { timeout: 120_000 },
    async () => {
      const documents: Array<[ConvertibleFormat, Buffer]> = [
        ['image/pwg-raster', PWG],
        ['image/urf', URF],
        ['image/jpeg', JPEG],
      ];
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...documents),
          fc.array(fc.tuple(fc.nat(), fc.nat({ max: 255 }), fc.constantFrom('set', 'insert', 'delete')), {
            minLength: 1,
            maxLength: 8,
          }),
          fc.integer({ min: 1, max: 4096 }),
          async ([format, original], edits, chunkSize) => {
            const bytes = [...original];
            for (const [position, value, kind] of edits) {
              const at = position % (bytes.length + 1);
              if (kind === 'set') bytes[at] = value;
              else if (kind === 'insert') bytes.splice(at, 0, value);
              else bytes.splice(at, 1);
            }
            try {
              await convertBytes(format, Buffer.from(bytes), {
                chunkSize,
                limits: { maxDecodedBytes: 1 << 26 },
              });
            } catch (error) {
              if (!(error instanceof ConversionError)) throw error;
            }
          },
        ),
        { numRuns: 400 },
      );
    },
  );

  it('leaves the input undestroyed and the output unfinished when it fails', async () => {
    const input = chunkedStream(
      Buffer.concat([PWG_SYNC, pwgPageHeader({ ...SPEC, colorOrder: 2 }), Buffer.alloc(100_000)]),
      1000,
    );
    const output = collectingWritable();
    await rejectsWith(convertToPdf('image/pwg-raster', input, output.stream), 'unsupported');
    assert.equal(input.destroyed, false);
    assert.equal(output.stream.writableEnded, false);
    // The caller can still drain what is left, e.g. to answer an IPP request.
    let rest = 0;
    for await (const chunk of input) rest += (chunk as Buffer).length;
    assert.ok(rest > 0);
  });

  it('passes an output failure through unchanged instead of hanging', async () => {
    const diskFull = Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
    let written = 0;
    const output = new Writable({
      highWaterMark: 1024,
      write(chunk: Buffer, _encoding, callback) {
        written += chunk.length;
        // Asynchronous, so the converter is waiting for 'drain' when the error comes.
        setImmediate(() => callback(written > 600 ? diskFull : null));
      },
    });
    output.on('error', () => {});
    await assert.rejects(convertToPdf('image/pwg-raster', chunkedStream(PWG, 50), output), diskFull);
  });

  it('passes an input failure through unchanged', async () => {
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    const input = new Readable({
      read() {
        this.push(PWG.subarray(0, 1000));
        this.destroy(reset);
      },
    });
    await assert.rejects(convertToPdf('image/pwg-raster', input, collectingWritable().stream), reset);
  });
});
