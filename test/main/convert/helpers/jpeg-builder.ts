// Edits JPEG files at the segment level, to give a real encoder's output the metadata a test needs.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PDFDocument, rgb } from 'pdf-lib';
import { makeTempDir } from './pdf-inspect.js';

/** A marker segment: FF, marker, big-endian length (which counts itself), payload. */
export function segment(marker: number, payload: Buffer): Buffer {
  const head = Buffer.from([0xff, marker, 0, 0]);
  head.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([head, payload]);
}

/** Splits a JPEG into SOI, the segments before the first scan, and the rest (from SOS on). */
export function splitJpeg(jpeg: Buffer): { segments: Buffer[]; rest: Buffer } {
  const segments: Buffer[] = [];
  let at = 2;
  while (jpeg[at + 1] !== 0xda) {
    const length = jpeg.readUInt16BE(at + 2);
    segments.push(jpeg.subarray(at, at + 2 + length));
    at += 2 + length;
  }
  return { segments, rest: jpeg.subarray(at) };
}

/** Rebuilds a JPEG from its parts after `edit` has changed the list of segments. */
export function editSegments(jpeg: Buffer, edit: (segments: Buffer[]) => Buffer[]): Buffer {
  const { segments, rest } = splitJpeg(jpeg);
  return Buffer.concat([jpeg.subarray(0, 2), ...edit(segments), rest]);
}

/** A JFIF APP0 segment with the given density (units: 0 aspect only, 1 per inch, 2 per cm). */
export function jfifSegment(units: number, x: number, y: number): Buffer {
  const payload = Buffer.alloc(14);
  payload.write('JFIF\0', 0, 'latin1');
  payload[5] = 1;
  payload[6] = 2;
  payload[7] = units;
  payload.writeUInt16BE(x, 8);
  payload.writeUInt16BE(y, 10);
  return segment(0xe0, payload);
}

/** An APP1 EXIF segment with an IFD0 holding the given tags. */
export function exifSegment(
  tags: { orientation?: number; xDpi?: number; yDpi?: number; unit?: number },
  littleEndian = false,
): Buffer {
  const entries: Array<[number, number, number]> = []; // tag, type, value (SHORT) or rational numerator
  if (tags.orientation !== undefined) entries.push([0x0112, 3, tags.orientation]);
  if (tags.xDpi !== undefined) entries.push([0x011a, 5, tags.xDpi]);
  if (tags.yDpi !== undefined) entries.push([0x011b, 5, tags.yDpi]);
  if (tags.unit !== undefined) entries.push([0x0128, 3, tags.unit]);
  const ifdSize = 2 + entries.length * 12 + 4;
  const tiff = Buffer.alloc(8 + ifdSize + entries.length * 8);
  const u16 = (v: number, at: number): number =>
    littleEndian ? tiff.writeUInt16LE(v, at) : tiff.writeUInt16BE(v, at);
  const u32 = (v: number, at: number): number =>
    littleEndian ? tiff.writeUInt32LE(v, at) : tiff.writeUInt32BE(v, at);
  tiff.write(littleEndian ? 'II' : 'MM', 0, 'latin1');
  u16(42, 2);
  u32(8, 4);
  u16(entries.length, 8);
  let extra = 8 + ifdSize;
  entries.forEach(([tag, type, value], i) => {
    const at = 10 + i * 12;
    u16(tag, at);
    u16(type, at + 2);
    u32(1, at + 4);
    if (type === 3) u16(value, at + 8);
    else {
      u32(extra, at + 8);
      u32(value, extra);
      u32(1, extra + 4);
      extra += 8;
    }
  });
  return segment(0xe1, Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]));
}

/** A 48 x 32 pt page with red (top left), green (top right), blue (bottom left) and white quadrants. */
export async function quadrantsPdf(): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const page = doc.addPage([48, 32]);
  page.drawRectangle({ x: 0, y: 16, width: 24, height: 16, color: rgb(1, 0, 0) });
  page.drawRectangle({ x: 24, y: 16, width: 24, height: 16, color: rgb(0, 1, 0) });
  page.drawRectangle({ x: 0, y: 0, width: 24, height: 16, color: rgb(0, 0, 1) });
  return Buffer.from(await doc.save());
}

/** Runs a command that turns `input.pdf` into `output.jpg` in a temp folder and returns the JPEG. */
export function jpegFromPdf(
  pdf: Buffer,
  command: (input: string, output: string) => [string, string[]],
): Buffer {
  const dir = makeTempDir();
  try {
    const input = join(dir.path, 'input.pdf');
    writeFileSync(input, pdf);
    const output = join(dir.path, 'output.jpg');
    const [program, args] = command(input, output);
    const run = spawnSync(program, args, { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`${program} failed: ${run.stderr}`);
    return readFileSync(output);
  } finally {
    dir.remove();
  }
}
