import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ConversionError } from '../../../main/convert/index.js';
import {
  convertBytes,
  hasTool,
  inspectPdf,
  near,
  pixelAt,
  qpdfCheck,
  renderPage,
} from './helpers/pdf-inspect.js';
import {
  editSegments,
  exifSegment,
  jfifSegment,
  jpegFromPdf,
  quadrantsPdf,
  segment,
} from './helpers/jpeg-builder.js';

const tools = { qpdf: hasTool('qpdf'), pdftoppm: hasTool('pdftoppm'), gs: hasTool('gs') };

/**
 * 48 x 32 pixels, JFIF 72 dpi, baseline, 3 components: red, green, blue and white quadrants. Made with
 * `pdftoppm -jpeg -r 72` from the page in quadrantsPdf().
 */
const QUADRANTS = readFileSync(new URL('./fixtures/quadrants-rgb.jpg', import.meta.url));

const RED = [255, 0, 0];
const GREEN = [0, 255, 0];
const BLUE = [0, 0, 255];
const WHITE = [255, 255, 255];

/** The colours at the centres of the four quadrants of a rendered page: TL, TR, BL, BR. */
function quadrantColours(pdf: Buffer, dpi = 72): number[][] {
  const bitmap = renderPage(pdf, 1, dpi);
  const [w, h] = [bitmap.width, bitmap.height];
  return [
    pixelAt(bitmap, Math.floor(w / 4), Math.floor(h / 4)),
    pixelAt(bitmap, Math.floor((3 * w) / 4), Math.floor(h / 4)),
    pixelAt(bitmap, Math.floor(w / 4), Math.floor((3 * h) / 4)),
    pixelAt(bitmap, Math.floor((3 * w) / 4), Math.floor((3 * h) / 4)),
  ];
}

/** The name of the strongest channel of a colour, or white when all are high. */
function dominant(colour: number[]): string {
  const [r = 0, g = 0, b = 0] = colour;
  if (Math.min(r, g, b) > 230) return 'white';
  const max = Math.max(r, g, b);
  return max === r ? 'red' : max === g ? 'green' : 'blue';
}

function assertColours(actual: number[][], expected: number[][], tolerance = 48): void {
  assert.ok(
    actual.every((colour, i) => near(colour, expected[i] as number[], tolerance)),
    `colours ${JSON.stringify(actual)} are not near ${JSON.stringify(expected)}`,
  );
}

describe('JPEG to PDF', () => {
  it('embeds a baseline JPEG byte for byte as a DCTDecode image at its JFIF density', async () => {
    const { pdf, result } = await convertBytes('image/jpeg', QUADRANTS);
    assert.deepEqual(result, { pages: 1, pageSizes: [{ widthPt: 48, heightPt: 32 }] });
    const [image] = (await inspectPdf(pdf)).images;
    assert.deepEqual(
      [image?.width, image?.height, image?.colorSpace, image?.bitsPerComponent, image?.filter, image?.decode],
      [48, 32, 'DeviceRGB', 8, 'DCTDecode', null],
    );
    assert.ok(image?.stored.equals(QUADRANTS));
  });

  it(
    'passes qpdf and renders with the right colours in poppler',
    { skip: !(tools.qpdf && tools.pdftoppm) && 'needs qpdf and pdftoppm' },
    async () => {
      const { pdf } = await convertBytes('image/jpeg', QUADRANTS, { chunkSize: 3 });
      const check = qpdfCheck(pdf);
      assert.ok(check.ok, check.output);
      assertColours(quadrantColours(pdf), [RED, GREEN, BLUE, WHITE]);
    },
  );

  it(
    'shows a one-component JPEG as DeviceGray',
    { skip: !tools.gs && 'ghostscript is not installed' },
    async () => {
      const gray = jpegFromPdf(await quadrantsPdf(), (i, o) => [
        'gs',
        ['-q', '-dNOPAUSE', '-dBATCH', '-sDEVICE=jpeggray', '-r72', `-sOutputFile=${o}`, i],
      ]);
      const { pdf } = await convertBytes('image/jpeg', gray);
      const [image] = (await inspectPdf(pdf)).images;
      assert.equal(image?.colorSpace, 'DeviceGray');
      assert.ok(image?.stored.equals(gray));
      if (tools.pdftoppm) {
        // Red becomes a mid gray (how dark depends on Ghostscript's colour management), white stays white.
        const [tl, , , br] = quadrantColours(pdf).map((c) => c[0] ?? 0);
        assert.ok((tl ?? 0) > 40 && (tl ?? 0) < 200 && (br ?? 0) > 247, `gray levels ${tl} and ${br}`);
      }
    },
  );

  it('accepts a progressive JPEG', { skip: !tools.pdftoppm && 'pdftoppm is not installed' }, async () => {
    const progressive = jpegFromPdf(await quadrantsPdf(), (i, o) => [
      'pdftoppm',
      ['-jpeg', '-jpegopt', 'progressive=y', '-r', '144', '-singlefile', i, o.replace(/\.jpg$/, '')],
    ]);
    assert.ok(progressive.includes(Buffer.from([0xff, 0xc2])), 'the encoder did not make a progressive JPEG');
    const { pdf, result } = await convertBytes('image/jpeg', progressive);
    assert.deepEqual(result.pageSizes, [{ widthPt: 48, heightPt: 32 }]);
    assertColours(quadrantColours(pdf), [RED, GREEN, BLUE, WHITE]);
  });

  it(
    'inverts an Adobe CMYK JPEG with a Decode array so it prints in the right colours',
    { skip: !(tools.gs && tools.pdftoppm) && 'needs gs and pdftoppm' },
    async () => {
      const cmyk = jpegFromPdf(await quadrantsPdf(), (i, o) => [
        'gs',
        ['-q', '-dNOPAUSE', '-dBATCH', '-sDEVICE=jpegcmyk', '-r72', `-sOutputFile=${o}`, i],
      ]);
      const { pdf } = await convertBytes('image/jpeg', cmyk);
      const [image] = (await inspectPdf(pdf)).images;
      assert.equal(image?.colorSpace, 'DeviceCMYK');
      assert.deepEqual(image?.decode, [1, 0, 1, 0, 1, 0, 1, 0]);
      // CMYK to RGB is not exact; what matters is that no quadrant comes out as its complement.
      assert.deepEqual(quadrantColours(pdf).map(dominant), ['red', 'green', 'blue', 'white']);
    },
  );

  it(
    'turns the page as the EXIF orientation says',
    { skip: !tools.pdftoppm && 'pdftoppm is not installed' },
    async () => {
      // Orientation 6: stored row 0 belongs on the right, so red (stored top left) shows top right.
      const turned = editSegments(QUADRANTS, (segments) => [
        ...segments.slice(0, 1),
        exifSegment({ orientation: 6 }),
        ...segments.slice(1),
      ]);
      const { pdf, result } = await convertBytes('image/jpeg', turned);
      assert.deepEqual(result.pageSizes, [{ widthPt: 32, heightPt: 48 }]);
      assertColours(quadrantColours(pdf), [BLUE, RED, WHITE, GREEN]);
      const mirrored = editSegments(QUADRANTS, (segments) => [
        exifSegment({ orientation: 2 }, true),
        ...segments,
      ]);
      assertColours(quadrantColours((await convertBytes('image/jpeg', mirrored)).pdf), [
        GREEN,
        RED,
        WHITE,
        BLUE,
      ]);
    },
  );

  it('takes the EXIF resolution when there is no JFIF density', async () => {
    const exifOnly = editSegments(QUADRANTS, (segments) => [
      exifSegment({ xDpi: 144, yDpi: 144, unit: 2 }, true),
      ...segments.slice(1),
    ]);
    const { result } = await convertBytes('image/jpeg', exifOnly);
    assert.deepEqual(result.pageSizes, [{ widthPt: 24, heightPt: 16 }]);
    const perCm = editSegments(QUADRANTS, (segments) => [jfifSegment(2, 20, 20), ...segments.slice(1)]);
    assert.deepEqual((await convertBytes('image/jpeg', perCm)).result.pageSizes, [
      { widthPt: 68.0315, heightPt: 45.3543 },
    ]);
  });

  it('fits a JPEG without a density to A4 in its own orientation', async () => {
    const aspectOnly = editSegments(QUADRANTS, (segments) => [jfifSegment(0, 1, 1), ...segments.slice(1)]);
    const { result } = await convertBytes('image/jpeg', aspectOnly);
    assert.deepEqual(result.pageSizes, [{ widthPt: 841.8898, heightPt: 561.2598 }]);
    const noMetadata = editSegments(QUADRANTS, (segments) => segments.slice(1));
    assert.deepEqual((await convertBytes('image/jpeg', noMetadata)).result.pageSizes, result.pageSizes);
  });

  it('fits to A4 a density that would make a page larger than A3', async () => {
    // 48 x 32 pixels at 1 dpi would be 48 x 32 inches.
    const huge = editSegments(QUADRANTS, (segments) => [jfifSegment(1, 1, 1), ...segments.slice(1)]);
    const { result } = await convertBytes('image/jpeg', huge);
    assert.deepEqual(result.pageSizes, [{ widthPt: 841.8898, heightPt: 561.2598 }]);
  });

  it('drops whatever follows the end-of-image marker', async () => {
    const trailing = Buffer.concat([QUADRANTS, QUADRANTS, Buffer.from('trailing junk')]);
    const { pdf } = await convertBytes('image/jpeg', trailing, { chunkSize: 100 });
    const [image] = (await inspectPdf(pdf)).images;
    assert.ok(image?.stored.equals(QUADRANTS));
  });

  it('does not take an FF D9 inside a segment for the end of the image', async () => {
    // A comment segment after the frame header whose text holds FF D9.
    const tricky = editSegments(QUADRANTS, (segments) => {
      const frame = segments.findIndex((s) => s[1] === 0xc0);
      return [
        ...segments.slice(0, frame + 1),
        segment(0xfe, Buffer.from([0x41, 0xff, 0xd9, 0x42])),
        ...segments.slice(frame + 1),
      ];
    });
    for (const chunkSize of [1, 2, 1000]) {
      const { pdf } = await convertBytes('image/jpeg', tricky, { chunkSize });
      const [image] = (await inspectPdf(pdf)).images;
      assert.ok(image?.stored.equals(tricky), `chunks of ${chunkSize}`);
    }
  });

  it('refuses arithmetic-coded, lossless and 12-bit JPEGs as unsupported', async () => {
    const frameAt = QUADRANTS.indexOf(Buffer.from([0xff, 0xc0]));
    for (const [offset, value, pattern] of [
      [1, 0xc9, /arithmetic-coded/],
      [1, 0xc3, /lossless/],
      [4, 12, /12-bit/],
    ] as const) {
      const changed = Buffer.from(QUADRANTS);
      changed[frameAt + offset] = value;
      await assert.rejects(convertBytes('image/jpeg', changed), (error: unknown) => {
        assert.ok(error instanceof ConversionError);
        assert.equal(error.code, 'unsupported');
        assert.match(error.message, pattern);
        return true;
      });
    }
  });
});
