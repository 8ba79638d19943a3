// Rasters made by the real producers a print system uses: Ghostscript's CUPS raster devices and the
// cups-filters pdftoraster filter, from a PDF made here. Each is converted back to PDF and compared with
// the source page by page.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { PDFDocument, rgb } from 'pdf-lib';
import type { ConvertibleFormat } from '../../../main/convert/index.js';
import {
  convertBytes,
  hasTool,
  makeTempDir,
  pdfInfo,
  pixelAt,
  qpdfCheck,
  renderPage,
  type Bitmap,
} from './helpers/pdf-inspect.js';

const PDFTORASTER = '/usr/lib/cups/filter/pdftoraster';
const can = {
  gs: hasTool('gs') && hasTool('pdftoppm') && hasTool('qpdf'),
  pdftoraster: existsSync(PDFTORASTER) && hasTool('pdftoppm') && hasTool('qpdf'),
};

/** An A4 page and a US Letter page, each with a red and a blue rectangle. */
async function sourcePdf(): Promise<Buffer> {
  const doc = await PDFDocument.create();
  for (const size of [
    [595.28, 841.89],
    [612, 792],
  ] as const) {
    const page = doc.addPage([...size]);
    page.drawRectangle({ x: 50, y: 50, width: 200, height: 100, color: rgb(1, 0, 0) });
    page.drawRectangle({ x: 300, y: 400, width: 100, height: 300, color: rgb(0, 0, 1) });
  }
  return Buffer.from(await doc.save());
}

/** Runs a producer on the source PDF in a temp folder and returns the raster it wrote. */
function produce(
  pdf: Buffer,
  run: (input: string, output: string) => { program: string; args: string[]; env?: Record<string, string> },
): Buffer {
  const dir = makeTempDir();
  try {
    const input = join(dir.path, 'source.pdf');
    const output = join(dir.path, 'raster');
    writeFileSync(input, pdf);
    const { program, args, env } = run(input, output);
    const result = spawnSync(program, args, { env: { ...process.env, ...env }, maxBuffer: 1 << 30 });
    if (result.status !== 0) throw new Error(`${program} failed: ${result.stderr.toString()}`);
    return existsSync(output) ? readFileSync(output) : result.stdout;
  } finally {
    dir.remove();
  }
}

function ghostscript(device: string, dpi: number, extra: string[] = []) {
  return (input: string, output: string) => ({
    program: 'gs',
    args: [
      '-q',
      '-dNOPAUSE',
      '-dBATCH',
      '-dSAFER',
      `-sDEVICE=${device}`,
      `-r${dpi}`,
      ...extra,
      `-sOutputFile=${output}`,
      input,
    ],
  });
}

/** Mean absolute difference per channel between two renderings of the same size. */
function meanDifference(a: Bitmap, b: Bitmap): number {
  assert.deepEqual([a.width, a.height, a.channels], [b.width, b.height, b.channels]);
  let sum = 0;
  for (let i = 0; i < a.data.length; i++) sum += Math.abs((a.data[i] as number) - (b.data[i] as number));
  return sum / a.data.length;
}

/** Converts a raster and checks it against the source: pages, sizes, qpdf, and what poppler shows. */
async function assertFaithful(
  format: ConvertibleFormat,
  raster: Buffer,
  source: Buffer,
  options: { sizes: number[][]; tolerance: number; gray?: boolean },
): Promise<void> {
  const { pdf, result } = await convertBytes(format, raster);
  assert.equal(result.pages, 2);
  result.pageSizes.forEach((size, i) => {
    const [w = 0, h = 0] = options.sizes[i] ?? [];
    assert.ok(
      Math.abs(size.widthPt - w) <= 1.5 && Math.abs(size.heightPt - h) <= 1.5,
      `page ${i + 1} is ${JSON.stringify(size)}`,
    );
  });
  assert.equal(pdfInfo(pdf)['Pages'], '2');
  const check = qpdfCheck(pdf);
  assert.ok(check.ok, check.output);
  for (const page of [1, 2]) {
    const ours = renderPage(pdf, page, 20, options.gray);
    const theirs = renderPage(source, page, 20, options.gray);
    if (ours.width !== theirs.width || ours.height !== theirs.height) {
      assert.fail(
        `page ${page} renders ${ours.width}x${ours.height}, the source ${theirs.width}x${theirs.height}`,
      );
    }
    const difference = meanDifference(ours, theirs);
    assert.ok(
      difference < options.tolerance,
      `page ${page} differs from the source by ${difference.toFixed(2)} on average`,
    );
    // The middle of the red rectangle (x 150 pt, y 100 pt from the bottom) is dark in gray, red in colour.
    const red = pixelAt(ours, Math.round((150 * 20) / 72), ours.height - Math.round((100 * 20) / 72));
    assert.ok(
      options.gray === true ? (red[0] ?? 255) < 160 : (red[0] ?? 0) > 200 && (red[2] ?? 255) < 60,
      `red area shows ${red}`,
    );
  }
}

describe('rasters from real producers', () => {
  it(
    'converts Ghostscript sRGB PWG raster back to the source pages',
    { skip: !can.gs && 'needs gs, poppler-utils and qpdf' },
    async () => {
      const source = await sourcePdf();
      const raster = produce(
        source,
        ghostscript('pwgraster', 100, ['-dcupsColorSpace=19', '-dcupsBitsPerColor=8']),
      );
      await assertFaithful('image/pwg-raster', raster, source, {
        sizes: [
          [595, 842],
          [612, 792],
        ],
        tolerance: 6,
      });
    },
  );

  it(
    'converts Ghostscript 1-bit black PWG raster, dithered, to the same pages',
    { skip: !can.gs && 'needs gs, poppler-utils and qpdf' },
    async () => {
      const source = await sourcePdf();
      const raster = produce(source, ghostscript('pwgraster', 150));
      assert.equal(raster.readUInt32BE(4 + 388), 1, 'expected Ghostscript to default to 1 bit per pixel');
      await assertFaithful('image/pwg-raster', raster, source, {
        sizes: [
          [595, 842],
          [612, 792],
        ],
        tolerance: 15,
        gray: true,
      });
    },
  );

  it(
    'converts cups-filters pdftoraster PWG output back to the source pages',
    { skip: !can.pdftoraster && 'needs cups-filters, poppler-utils and qpdf' },
    async () => {
      const source = await sourcePdf();
      for (const [mode, gray] of [
        ['color', false],
        ['monochrome', true],
      ] as const) {
        const raster = produce(source, (input) => ({
          program: PDFTORASTER,
          args: ['1', 'tester', 'test', '1', `Resolution=150dpi print-color-mode=${mode}`, input],
          env: { FINAL_CONTENT_TYPE: 'image/pwg-raster' },
        }));
        assert.equal(raster.toString('latin1', 0, 4), 'RaS2');
        await assertFaithful('image/pwg-raster', raster, source, {
          sizes: [
            [595, 842],
            [612, 792],
          ],
          tolerance: gray ? 10 : 6,
          gray,
        });
      }
    },
  );

  it(
    'converts Ghostscript Apple raster (URF) in sRGB and sGray back to the source pages',
    { skip: !can.gs && 'needs gs, poppler-utils and qpdf' },
    async () => {
      const source = await sourcePdf();
      for (const [space, gray] of [
        ['19', false],
        ['18', true],
      ] as const) {
        const raster = produce(
          source,
          ghostscript('urf', 100, [`-dcupsColorSpace=${space}`, '-dcupsBitsPerColor=8']),
        );
        assert.equal(raster.toString('latin1', 0, 8), 'UNIRAST\0');
        // Gray from Ghostscript and gray from poppler's own RGB conversion differ a little.
        await assertFaithful('image/urf', raster, source, {
          sizes: [
            [595.44, 841.68],
            [612, 792],
          ],
          tolerance: gray ? 10 : 6,
          gray,
        });
      }
    },
  );
});
