// Reads back the PDFs the converter writes: with pdf-lib for structure and image data, and with the
// real tools (qpdf, poppler) that a printer-side consumer would be like.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { inflateSync } from 'node:zlib';
import { PDFArray, PDFDict, PDFDocument, PDFName, PDFNumber, PDFRawStream } from 'pdf-lib';
import {
  convertToPdf,
  type ConversionLimits,
  type ConversionResult,
  type ConvertibleFormat,
} from '../../../../main/convert/index.js';

/** Whether a command-line tool is installed; tests that need one are skipped with a reason if not. */
export function hasTool(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`]).status === 0;
}

/** A Writable that keeps everything written to it. */
export function collectingWritable(): { stream: Writable; bytes: () => Buffer } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk);
      callback();
    },
  });
  return { stream, bytes: () => Buffer.concat(chunks) };
}

/** Splits bytes into a stream of chunks of the given size (1 puts every byte on a chunk boundary). */
export function chunkedStream(bytes: Buffer, chunkSize = 64 * 1024): Readable {
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += chunkSize) chunks.push(bytes.subarray(i, i + chunkSize));
  return Readable.from(chunks, { objectMode: false });
}

/** Converts an in-memory document and returns the PDF bytes with the result. */
export async function convertBytes(
  format: ConvertibleFormat,
  bytes: Buffer,
  options: { chunkSize?: number; limits?: Partial<ConversionLimits> } = {},
): Promise<{ pdf: Buffer; result: ConversionResult }> {
  const out = collectingWritable();
  const result = await convertToPdf(
    format,
    chunkedStream(bytes, options.chunkSize),
    out.stream,
    options.limits,
  );
  return { pdf: out.bytes(), result };
}

/** The image a page shows, as the PDF describes it, with its samples decoded when they are Flate. */
export interface PageImage {
  width: number;
  height: number;
  colorSpace: string;
  bitsPerComponent: number;
  filter: string;
  decode: number[] | null;
  /** The stream bytes as stored. */
  stored: Buffer;
  /** The samples: inflated for FlateDecode, as stored for DCTDecode. */
  samples: Buffer;
}

/** Loads a PDF with pdf-lib and returns its page sizes and each page's image. */
export async function inspectPdf(pdf: Buffer): Promise<{
  pageSizes: Array<{ widthPt: number; heightPt: number }>;
  images: PageImage[];
  contents: string[];
}> {
  const doc = await PDFDocument.load(pdf, { updateMetadata: false });
  const pageSizes: Array<{ widthPt: number; heightPt: number }> = [];
  const images: PageImage[] = [];
  const contents: string[] = [];
  for (const page of doc.getPages()) {
    const box = page.getMediaBox();
    pageSizes.push({ widthPt: box.width, heightPt: box.height });
    const xobjects = page.node.Resources()?.lookup(PDFName.of('XObject'), PDFDict);
    const image = xobjects?.lookup(PDFName.of('Im0'));
    if (!(image instanceof PDFRawStream)) throw new Error('page has no /Im0 image stream');
    const number = (key: string): number => image.dict.lookup(PDFName.of(key), PDFNumber).asNumber();
    const name = (key: string): string => image.dict.lookup(PDFName.of(key), PDFName).decodeText();
    const decodeArray = image.dict.lookupMaybe(PDFName.of('Decode'), PDFArray);
    const stored = Buffer.from(image.contents);
    const filter = name('Filter');
    images.push({
      width: number('Width'),
      height: number('Height'),
      colorSpace: name('ColorSpace'),
      bitsPerComponent: number('BitsPerComponent'),
      filter,
      decode:
        decodeArray === undefined
          ? null
          : decodeArray.asArray().map((n: unknown) => (n as PDFNumber).asNumber()),
      stored,
      samples: filter === 'FlateDecode' ? inflateSync(stored) : stored,
    });
    const content = page.node.Contents();
    contents.push(content instanceof PDFRawStream ? Buffer.from(content.contents).toString('latin1') : '');
  }
  return { pageSizes, images, contents };
}

/** A temporary folder that a test removes when done. */
export function makeTempDir(prefix = 'cps-convert-'): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** Runs `qpdf --check` on PDF bytes; ok means qpdf found no errors and no warnings. */
export function qpdfCheck(pdf: Buffer): { ok: boolean; output: string } {
  const dir = makeTempDir();
  try {
    const file = join(dir.path, 'check.pdf');
    writeFileSync(file, pdf);
    const run = spawnSync('qpdf', ['--check', file], { encoding: 'utf8' });
    const output = `${run.stdout}${run.stderr}`;
    return { ok: run.status === 0 && !/warning|error:/i.test(run.stderr), output };
  } finally {
    dir.remove();
  }
}

/** Runs pdfinfo on PDF bytes or a PDF file and returns its fields (Pages, Page size, ...). */
export function pdfInfo(pdf: Buffer | string): Record<string, string> {
  const run =
    typeof pdf === 'string'
      ? spawnSync('pdfinfo', [pdf], { encoding: 'utf8' })
      : spawnSync('pdfinfo', ['-'], { input: pdf, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`pdfinfo failed: ${run.stderr}`);
  const fields: Record<string, string> = {};
  for (const line of run.stdout.split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) fields[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  return fields;
}

/** A rendered page: `channels` bytes per pixel, rows top to bottom. */
export interface Bitmap {
  width: number;
  height: number;
  channels: 1 | 3;
  data: Buffer;
}

/** Renders one page with poppler's pdftoppm (no anti-aliasing) and returns its pixels. */
export function renderPage(pdf: Buffer, page: number, dpi: number, gray = false): Bitmap {
  const dir = makeTempDir();
  try {
    const file = join(dir.path, 'in.pdf');
    writeFileSync(file, pdf);
    const args = [
      '-r',
      String(dpi),
      '-f',
      String(page),
      '-l',
      String(page),
      '-singlefile',
      '-aa',
      'no',
      '-aaVector',
      'no',
    ];
    if (gray) args.push('-gray');
    const run = spawnSync('pdftoppm', [...args, file, join(dir.path, 'out')], { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`pdftoppm failed: ${run.stderr}`);
    return parsePnm(readFileSync(join(dir.path, gray ? 'out.pgm' : 'out.ppm')));
  } finally {
    dir.remove();
  }
}

/** Parses a binary PGM (P5) or PPM (P6) image with maxval 255. */
export function parsePnm(bytes: Buffer): Bitmap {
  const fields: string[] = [];
  let i = 0;
  while (fields.length < 4) {
    while (/\s/.test(String.fromCharCode(bytes[i] as number))) i++;
    if (bytes[i] === 0x23) {
      while (bytes[i] !== 0x0a) i++;
      continue;
    }
    let token = '';
    while (!/\s/.test(String.fromCharCode(bytes[i] as number)))
      token += String.fromCharCode(bytes[i++] as number);
    fields.push(token);
  }
  const [magic, width, height] = fields;
  const channels = magic === 'P6' ? 3 : 1;
  return { width: Number(width), height: Number(height), channels, data: bytes.subarray(i + 1) };
}

/** The pixel at (x, y) as an array of channel values. */
export function pixelAt(bitmap: Bitmap, x: number, y: number): number[] {
  const at = (y * bitmap.width + x) * bitmap.channels;
  return [...bitmap.data.subarray(at, at + bitmap.channels)];
}

/** Whether two colours differ by at most `tolerance` in every channel. */
export function near(actual: number[], expected: number[], tolerance: number): boolean {
  return (
    actual.length === expected.length &&
    actual.every((v, i) => Math.abs(v - (expected[i] as number)) <= tolerance)
  );
}

/**
 * Renders a raster page so that each raster pixel can be read back exactly. Poppler smooths images it
 * scales by less than 400 % (Splash::isImageInterpolationRequired), so the page is rendered at four
 * times the raster resolution and the centre of each 4 x 4 block is taken.
 */
export function renderRasterPixels(pdf: Buffer, page: number, rasterDpi: number, gray = false): Bitmap {
  const scale = 4;
  const big = renderPage(pdf, page, rasterDpi * scale, gray);
  const width = Math.floor(big.width / scale);
  const height = Math.floor(big.height / scale);
  const data = Buffer.alloc(width * height * big.channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const from = ((y * scale + 2) * big.width + x * scale + 2) * big.channels;
      big.data.copy(data, (y * width + x) * big.channels, from, from + big.channels);
    }
  }
  return { width, height, channels: big.channels, data };
}
