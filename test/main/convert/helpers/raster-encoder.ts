// Builds PWG and Apple raster streams for tests, written from the format descriptions (PWG 5102.4 and
// CUPS's raster-stream.c), independently of the decoder under test.

/** Fields of a PWG page header that tests vary. */
export interface PwgPageSpec {
  widthPx: number;
  heightPx: number;
  /** PWG ColorSpaceEnum: 18 sgray, 19 srgb, 3 black, 6 cmyk, ... */
  colorSpace: number;
  bitsPerColor: number;
  components: number;
  xDpi: number;
  yDpi: number;
  /** PageSize in whole points; 0 x 0 means "derive from the pixels". */
  pageSizePt?: [number, number];
  crossFeedTransform?: number;
  feedTransform?: number;
  colorOrder?: number;
  /** Overrides for damaged-header tests. */
  bytesPerLine?: number;
  bitsPerPixel?: number;
}

/** The 4-byte PWG sync word. */
export const PWG_SYNC = Buffer.from('RaS2', 'latin1');

/** A 1796-byte PWG page header. */
export function pwgPageHeader(spec: PwgPageSpec): Buffer {
  const h = Buffer.alloc(1796);
  h.write('PwgRaster', 0, 'latin1');
  const bitsPerPixel = spec.bitsPerPixel ?? spec.bitsPerColor * spec.components;
  const put = (offset: number, value: number): void => {
    h.writeUInt32BE(value >>> 0, offset);
  };
  put(276, spec.xDpi);
  put(280, spec.yDpi);
  const [pw, ph] = spec.pageSizePt ?? [
    Math.round((spec.widthPx * 72) / spec.xDpi),
    Math.round((spec.heightPx * 72) / spec.yDpi),
  ];
  put(352, pw);
  put(356, ph);
  put(372, spec.widthPx);
  put(376, spec.heightPx);
  put(384, spec.bitsPerColor);
  put(388, bitsPerPixel);
  put(392, spec.bytesPerLine ?? Math.ceil((spec.widthPx * bitsPerPixel) / 8));
  put(396, spec.colorOrder ?? 0);
  put(400, spec.colorSpace);
  put(420, spec.components);
  put(456, spec.crossFeedTransform ?? 1);
  put(460, spec.feedTransform ?? 1);
  return h;
}

/** Fields of an Apple raster page header. */
export interface UrfPageSpec {
  widthPx: number;
  heightPx: number;
  bitsPerPixel: number;
  /** 0 sGray, 1 sRGB, 3 Adobe RGB, 4 gray, 5 RGB, 6 CMYK. */
  colorSpace: number;
  dpi: number;
}

/** The 12-byte URF file header. */
export function urfFileHeader(pageCount: number): Buffer {
  const h = Buffer.alloc(12);
  h.write('UNIRAST\0', 0, 'latin1');
  h.writeUInt32BE(pageCount, 8);
  return h;
}

/** A 32-byte URF page header. */
export function urfPageHeader(spec: UrfPageSpec): Buffer {
  const h = Buffer.alloc(32);
  h[0] = spec.bitsPerPixel;
  h[1] = spec.colorSpace;
  h[2] = 1; // one-sided
  h[3] = 4; // normal quality
  h.writeUInt32BE(spec.widthPx, 12);
  h.writeUInt32BE(spec.heightPx, 16);
  h.writeUInt32BE(spec.dpi, 20);
  return h;
}

/** How the encoder codes a line: tests use each style to reach every branch of the decoder. */
export interface LineStyle {
  /** Use the 128 "rest is white" code when the line ends in white. */
  fillToEnd?: boolean;
  /** The byte value of white for this colour space. */
  whiteByte?: number;
  /** Code everything as literals, even runs. */
  literalsOnly?: boolean;
}

/** Encodes one line's pixels (without the line-repeat byte) in the modified PackBits scheme. */
export function encodeLine(line: Buffer, unitBytes: number, style: LineStyle = {}): Buffer {
  const units = Math.ceil(line.length / unitBytes);
  const unit = (i: number): Buffer => line.subarray(i * unitBytes, (i + 1) * unitBytes);
  let end = units;
  if (style.fillToEnd === true) {
    const white = style.whiteByte ?? 0xff;
    while (end > 0 && unit(end - 1).every((b) => b === white)) end--;
  }
  const out: Buffer[] = [];
  let i = 0;
  while (i < end) {
    let run = 1;
    while (style.literalsOnly !== true && i + run < end && run < 128 && unit(i + run).equals(unit(i))) run++;
    if (run >= 2) {
      out.push(Buffer.from([run - 1]), unit(i));
      i += run;
      continue;
    }
    let lit = 1;
    while (
      i + lit < end &&
      lit < 128 &&
      (style.literalsOnly === true || i + lit + 1 >= end || !unit(i + lit).equals(unit(i + lit + 1)))
    ) {
      lit++;
    }
    out.push(Buffer.from([257 - lit]), line.subarray(i * unitBytes, (i + lit) * unitBytes));
    i += lit;
  }
  if (end < units) out.push(Buffer.from([128]));
  return Buffer.concat(out);
}

/** Encodes a page's lines, folding runs of identical lines into one with a repeat count (at most 256). */
export function encodeLines(lines: Buffer[], unitBytes: number, style: LineStyle = {}): Buffer {
  const out: Buffer[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] as Buffer;
    let repeat = 1;
    while (i + repeat < lines.length && repeat < 256 && (lines[i + repeat] as Buffer).equals(line)) repeat++;
    out.push(Buffer.from([repeat - 1]), encodeLine(line, unitBytes, style));
    i += repeat;
  }
  return Buffer.concat(out);
}

/** Bytes per PackBits unit for a bit depth (one byte for depths under 8). */
export function unitBytesFor(bitsPerPixel: number): number {
  return Math.max(1, Math.ceil(bitsPerPixel / 8));
}
