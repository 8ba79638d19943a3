import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  convertBytes,
  hasTool,
  inspectPdf,
  pdfInfo,
  pixelAt,
  qpdfCheck,
  renderPage,
  renderRasterPixels,
} from './helpers/pdf-inspect.js';
import {
  encodeLines,
  PWG_SYNC,
  pwgPageHeader,
  type PwgPageSpec,
  unitBytesFor,
} from './helpers/raster-encoder.js';

const tools = { qpdf: hasTool('qpdf'), poppler: hasTool('pdftoppm') && hasTool('pdfinfo') };

/** A test page: lines with a solid run, a literal stretch, and a white tail; a band of repeated lines. */
function patternLines(widthPx: number, heightPx: number, components: number, seed: number): Buffer[] {
  const lines: Buffer[] = [];
  for (let y = 0; y < heightPx; y++) {
    const line = Buffer.alloc(widthPx * components, 0xff);
    const band = y >= 4 && y < 12 ? 4 : y; // lines 4..11 are identical, so they fold into one repeat
    for (let x = 0; x < widthPx; x++) {
      for (let c = 0; c < components; c++) {
        let v = 0xff;
        if (x < widthPx / 4) v = (seed * 40 + c * 60) & 0xff;
        else if (x < widthPx / 2) v = (x * 29 + band * 13 + c * 71 + seed) & 0xff;
        else if (x < (widthPx * 3) / 4 && band % 3 === 0) v = 0x10 * c;
        line[x * components + c] = v;
      }
    }
    lines.push(line);
  }
  return lines;
}

function pwgPage(spec: PwgPageSpec, lines: Buffer[], whiteByte = 0xff): Buffer {
  const unit = unitBytesFor(spec.bitsPerColor * spec.components);
  return Buffer.concat([pwgPageHeader(spec), encodeLines(lines, unit, { fillToEnd: true, whiteByte })]);
}

const GRAY_A: PwgPageSpec = {
  widthPx: 40,
  heightPx: 30,
  colorSpace: 18,
  bitsPerColor: 8,
  components: 1,
  xDpi: 72,
  yDpi: 72,
};
const RGB_B: PwgPageSpec = {
  widthPx: 50,
  heightPx: 20,
  colorSpace: 19,
  bitsPerColor: 8,
  components: 3,
  xDpi: 144,
  yDpi: 144,
};
const GRAY_C: PwgPageSpec = { ...GRAY_A, widthPx: 30, heightPx: 41, pageSizePt: [0, 0] };

describe('PWG raster to PDF', () => {
  const linesA = patternLines(40, 30, 1, 1);
  const linesB = patternLines(50, 20, 3, 2);
  const linesC = patternLines(30, 41, 1, 3);
  const document = Buffer.concat([
    PWG_SYNC,
    pwgPage(GRAY_A, linesA),
    pwgPage(RGB_B, linesB),
    pwgPage(GRAY_C, linesC),
  ]);

  it('writes one PDF page per raster page, sized from the raster header', async () => {
    const { pdf, result } = await convertBytes('image/pwg-raster', document);
    assert.equal(result.pages, 3);
    assert.deepEqual(result.pageSizes, [
      { widthPt: 40, heightPt: 30 },
      { widthPt: 25, heightPt: 10 },
      { widthPt: 30, heightPt: 41 },
    ]);
    const { pageSizes } = await inspectPdf(pdf);
    assert.deepEqual(pageSizes, result.pageSizes);
  });

  it('stores exactly the decoded pixels of gray and colour pages as Flate images', async () => {
    const { pdf } = await convertBytes('image/pwg-raster', document);
    const { images } = await inspectPdf(pdf);
    assert.deepEqual(
      images.map((i) => [i.width, i.height, i.colorSpace, i.bitsPerComponent, i.filter, i.decode]),
      [
        [40, 30, 'DeviceGray', 8, 'FlateDecode', null],
        [50, 20, 'DeviceRGB', 8, 'FlateDecode', null],
        [30, 41, 'DeviceGray', 8, 'FlateDecode', null],
      ],
    );
    assert.ok(images[0]?.samples.equals(Buffer.concat(linesA)));
    assert.ok(images[1]?.samples.equals(Buffer.concat(linesB)));
    assert.ok(images[2]?.samples.equals(Buffer.concat(linesC)));
  });

  it(
    'produces a PDF that qpdf finds no fault with',
    { skip: !tools.qpdf && 'qpdf is not installed' },
    async () => {
      const { pdf } = await convertBytes('image/pwg-raster', document);
      const check = qpdfCheck(pdf);
      assert.ok(check.ok, check.output);
    },
  );

  it(
    'renders pixel for pixel in poppler at the raster resolution',
    { skip: !tools.poppler && 'poppler-utils is not installed' },
    async () => {
      const { pdf } = await convertBytes('image/pwg-raster', document);
      assert.equal(pdfInfo(pdf)['Pages'], '3');
      const colour = renderRasterPixels(pdf, 2, 144);
      assert.deepEqual([colour.width, colour.height], [50, 20]);
      assert.ok(colour.data.equals(Buffer.concat(linesB)), 'rendered page 2 differs from the raster');
      const gray = renderRasterPixels(pdf, 1, 72, true);
      assert.ok(gray.data.equals(Buffer.concat(linesA)), 'rendered page 1 differs from the raster');
    },
  );

  it('decodes the same whatever the chunk boundaries of the input', async () => {
    const whole = await convertBytes('image/pwg-raster', document);
    for (const chunkSize of [1, 7, 1796, 1801]) {
      const split = await convertBytes('image/pwg-raster', document, { chunkSize });
      assert.ok(split.pdf.equals(whole.pdf), `chunks of ${chunkSize} bytes give a different PDF`);
    }
  });

  it('decodes hand-coded repeats, literals, fill-to-end and line repeats', async () => {
    const spec: PwgPageSpec = {
      widthPx: 6,
      heightPx: 4,
      colorSpace: 18,
      bitsPerColor: 8,
      components: 1,
      xDpi: 72,
      yDpi: 72,
    };
    const data = Buffer.from([
      // line 1, shown twice: 3 x AA, then 3 literals
      0x01, 0x02, 0xaa, 0xfe, 0x10, 0x20, 0x30,
      // line 3: one 55, then the rest white
      0x00, 0x00, 0x55, 0x80,
      // line 4: a repeat of 128 pixels is clipped to the 6 on the line
      0x00, 0x7f, 0x42,
    ]);
    const { pdf } = await convertBytes(
      'image/pwg-raster',
      Buffer.concat([PWG_SYNC, pwgPageHeader(spec), data]),
    );
    const [image] = (await inspectPdf(pdf)).images;
    assert.deepEqual(
      [...(image?.samples ?? [])],
      [
        ...[0xaa, 0xaa, 0xaa, 0x10, 0x20, 0x30],
        ...[0xaa, 0xaa, 0xaa, 0x10, 0x20, 0x30],
        ...[0x55, 0xff, 0xff, 0xff, 0xff, 0xff],
        ...[0x42, 0x42, 0x42, 0x42, 0x42, 0x42],
      ],
    );
  });

  it('clips a line repeat that runs past the end of the page', async () => {
    const spec: PwgPageSpec = {
      widthPx: 2,
      heightPx: 3,
      colorSpace: 18,
      bitsPerColor: 8,
      components: 1,
      xDpi: 72,
      yDpi: 72,
    };
    const data = Buffer.from([0xff, 0x01, 0x07]); // one line, "repeated" 256 times
    const { pdf, result } = await convertBytes(
      'image/pwg-raster',
      Buffer.concat([PWG_SYNC, pwgPageHeader(spec), data]),
    );
    assert.equal(result.pages, 1);
    const [image] = (await inspectPdf(pdf)).images;
    assert.deepEqual([...(image?.samples ?? [])], [7, 7, 7, 7, 7, 7]);
  });

  it('shows 1-bit black as inverted gray and fills with no ink', async () => {
    const spec: PwgPageSpec = {
      widthPx: 10,
      heightPx: 2,
      colorSpace: 3,
      bitsPerColor: 1,
      components: 1,
      xDpi: 72,
      yDpi: 72,
    };
    // Line 1: bytes F0 0F; line 2: FF then fill (no ink, 0x00).
    const data = Buffer.from([0x00, 0xff, 0xf0, 0x0f, 0x00, 0x00, 0xff, 0x80]);
    const { pdf } = await convertBytes(
      'image/pwg-raster',
      Buffer.concat([PWG_SYNC, pwgPageHeader(spec), data]),
    );
    const [image] = (await inspectPdf(pdf)).images;
    assert.equal(image?.colorSpace, 'DeviceGray');
    assert.equal(image?.bitsPerComponent, 1);
    assert.deepEqual(image?.decode, [1, 0]);
    assert.deepEqual([...(image?.samples ?? [])], [0xf0, 0x0f, 0xff, 0x00]);
  });

  it('keeps 16-bit sRGB samples and CMYK as DeviceCMYK', async () => {
    const rgb16: PwgPageSpec = {
      widthPx: 3,
      heightPx: 2,
      colorSpace: 19,
      bitsPerColor: 16,
      components: 3,
      xDpi: 72,
      yDpi: 72,
    };
    const cmyk: PwgPageSpec = {
      widthPx: 3,
      heightPx: 2,
      colorSpace: 6,
      bitsPerColor: 8,
      components: 4,
      xDpi: 72,
      yDpi: 72,
    };
    const lines16 = [
      Buffer.from('000102030405ffff0000ffff123456789abcdef0', 'hex').subarray(0, 18),
      Buffer.alloc(18, 0xff),
    ];
    const linesCmyk = [
      Buffer.from('00000000ff000000000000ff', 'hex'),
      Buffer.from('0102030400000000aabbccdd', 'hex'),
    ];
    const document = Buffer.concat([PWG_SYNC, pwgPage(rgb16, lines16), pwgPage(cmyk, linesCmyk, 0x00)]);
    const { pdf } = await convertBytes('image/pwg-raster', document);
    const [a, b] = (await inspectPdf(pdf)).images;
    assert.deepEqual(
      [a?.colorSpace, a?.bitsPerComponent, b?.colorSpace, b?.bitsPerComponent],
      ['DeviceRGB', 16, 'DeviceCMYK', 8],
    );
    assert.ok(a?.samples.equals(Buffer.concat(lines16)));
    assert.ok(b?.samples.equals(Buffer.concat(linesCmyk)));
    if (tools.qpdf) assert.ok(qpdfCheck(pdf).ok);
  });

  it('takes PageSize when it matches the pixels and the pixels when it does not', async () => {
    const letter: PwgPageSpec = {
      ...GRAY_A,
      widthPx: 85,
      heightPx: 110,
      xDpi: 10,
      yDpi: 10,
      pageSizePt: [612, 792],
    };
    const wrong: PwgPageSpec = { ...GRAY_A, widthPx: 100, heightPx: 50, pageSizePt: [595, 842] };
    const document = Buffer.concat([
      PWG_SYNC,
      pwgPage(letter, patternLines(85, 110, 1, 4)),
      pwgPage(wrong, patternLines(100, 50, 1, 5)),
    ]);
    const { result } = await convertBytes('image/pwg-raster', document);
    assert.deepEqual(result.pageSizes, [
      { widthPt: 612, heightPt: 792 },
      { widthPt: 100, heightPt: 50 },
    ]);
  });

  it(
    'turns mirrored duplex back sides upright',
    { skip: !tools.poppler && 'poppler-utils is not installed' },
    async () => {
      // Left half black, right half white; sent mirrored in the cross-feed direction.
      const lines = Array.from({ length: 8 }, () => Buffer.from([0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]));
      const spec: PwgPageSpec = {
        widthPx: 8,
        heightPx: 8,
        colorSpace: 18,
        bitsPerColor: 8,
        components: 1,
        xDpi: 72,
        yDpi: 72,
      };
      const mirrored = { ...spec, crossFeedTransform: 0xffffffff };
      const { pdf } = await convertBytes(
        'image/pwg-raster',
        Buffer.concat([PWG_SYNC, pwgPage(spec, lines), pwgPage(mirrored, lines)]),
      );
      const front = renderPage(pdf, 1, 72, true);
      const back = renderPage(pdf, 2, 72, true);
      assert.deepEqual([pixelAt(front, 1, 4), pixelAt(front, 6, 4)], [[0], [255]]);
      assert.deepEqual([pixelAt(back, 1, 4), pixelAt(back, 6, 4)], [[255], [0]]);
    },
  );
});
