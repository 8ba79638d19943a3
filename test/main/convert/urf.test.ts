import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConversionError } from '../../../main/convert/index.js';
import { convertBytes, hasTool, inspectPdf, qpdfCheck, renderRasterPixels } from './helpers/pdf-inspect.js';
import { encodeLines, urfFileHeader, urfPageHeader, type UrfPageSpec } from './helpers/raster-encoder.js';

const tools = { qpdf: hasTool('qpdf'), poppler: hasTool('pdftoppm') };

/** Lines with a run, literals and a white tail, a few of them repeated. */
function lines(widthPx: number, heightPx: number, components: number): Buffer[] {
  return Array.from({ length: heightPx }, (_, y) => {
    const line = Buffer.alloc(widthPx * components, 0xff);
    const row = y >= 3 && y < 7 ? 3 : y;
    for (let x = 0; x < (widthPx * 2) / 3; x++) {
      for (let c = 0; c < components; c++) {
        line[x * components + c] = x < widthPx / 3 ? 0x40 + c : (x * 37 + row * 11 + c * 5) & 0xff;
      }
    }
    return line;
  });
}

function urfPage(spec: UrfPageSpec, pageLines: Buffer[]): Buffer {
  return Buffer.concat([
    urfPageHeader(spec),
    encodeLines(pageLines, spec.bitsPerPixel / 8, { fillToEnd: true }),
  ]);
}

describe('Apple raster (URF) to PDF', () => {
  const gray: UrfPageSpec = { widthPx: 24, heightPx: 18, bitsPerPixel: 8, colorSpace: 0, dpi: 72 };
  const rgb: UrfPageSpec = { widthPx: 30, heightPx: 12, bitsPerPixel: 24, colorSpace: 1, dpi: 144 };
  const grayLines = lines(24, 18, 1);
  const rgbLines = lines(30, 12, 3);
  const document = Buffer.concat([urfFileHeader(2), urfPage(gray, grayLines), urfPage(rgb, rgbLines)]);

  it('writes an sGray and an sRGB page at their own sizes', async () => {
    const { pdf, result } = await convertBytes('image/urf', document);
    assert.equal(result.pages, 2);
    assert.deepEqual(result.pageSizes, [
      { widthPt: 24, heightPt: 18 },
      { widthPt: 15, heightPt: 6 },
    ]);
    const { images, pageSizes } = await inspectPdf(pdf);
    assert.deepEqual(pageSizes, result.pageSizes);
    assert.deepEqual(
      images.map((i) => [i.colorSpace, i.bitsPerComponent]),
      [
        ['DeviceGray', 8],
        ['DeviceRGB', 8],
      ],
    );
    assert.ok(images[0]?.samples.equals(Buffer.concat(grayLines)));
    assert.ok(images[1]?.samples.equals(Buffer.concat(rgbLines)));
  });

  it('reads pages to the end of the stream when the file header gives no page count', async () => {
    const unknownCount = Buffer.concat([urfFileHeader(0), document.subarray(12)]);
    const { result } = await convertBytes('image/urf', unknownCount, { chunkSize: 5 });
    assert.equal(result.pages, 2);
  });

  it(
    'produces a PDF that qpdf finds no fault with',
    { skip: !tools.qpdf && 'qpdf is not installed' },
    async () => {
      const { pdf } = await convertBytes('image/urf', document);
      const check = qpdfCheck(pdf);
      assert.ok(check.ok, check.output);
    },
  );

  it(
    'renders the same pixels in poppler',
    { skip: !tools.poppler && 'poppler-utils is not installed' },
    async () => {
      const { pdf } = await convertBytes('image/urf', document);
      assert.ok(renderRasterPixels(pdf, 1, 72, true).data.equals(Buffer.concat(grayLines)));
      assert.ok(renderRasterPixels(pdf, 2, 144).data.equals(Buffer.concat(rgbLines)));
    },
  );

  it('refuses CIELab and 1-bit pages as unsupported, naming the page', async () => {
    const lab = Buffer.concat([urfFileHeader(1), urfPage({ ...rgb, colorSpace: 2 }, rgbLines)]);
    await assert.rejects(convertBytes('image/urf', lab), (error: unknown) => {
      assert.ok(error instanceof ConversionError);
      assert.equal(error.code, 'unsupported');
      assert.match(error.message, /page 1 uses colour space 2/);
      return true;
    });
    const oneBit = Buffer.concat([
      urfFileHeader(1),
      urfPageHeader({ ...gray, bitsPerPixel: 1 }),
      Buffer.from([0, 128]),
    ]);
    await assert.rejects(convertBytes('image/urf', oneBit), { code: 'unsupported' });
  });
});
