import type { Density, Orientation } from './placement.js';

/** What a photo's EXIF block says about how to print it. */
export interface ExifPrintInfo {
  orientation: Orientation | null;
  density: Density | null;
}

const TAG_ORIENTATION = 0x0112;
const TAG_X_RESOLUTION = 0x011a;
const TAG_Y_RESOLUTION = 0x011b;
const TAG_RESOLUTION_UNIT = 0x0128;
const TYPE_SHORT = 3;
const TYPE_RATIONAL = 5;

/**
 * Reads orientation and resolution from the first IFD of an EXIF APP1 payload (the bytes after
 * "Exif\0\0", a TIFF structure: TIFF 6.0 section 2 and CIPA DC-008 section 4.6). Metadata is a hint: a
 * damaged block yields nulls rather than an error, because the image itself is still printable.
 */
export function parseExif(tiff: Buffer): ExifPrintInfo {
  const none: ExifPrintInfo = { orientation: null, density: null };
  if (tiff.length < 8) return none;
  const order = tiff.toString('latin1', 0, 2);
  if (order !== 'II' && order !== 'MM') return none;
  const little = order === 'II';
  const u16 = (at: number): number => (little ? tiff.readUInt16LE(at) : tiff.readUInt16BE(at));
  const u32 = (at: number): number => (little ? tiff.readUInt32LE(at) : tiff.readUInt32BE(at));
  if (u16(2) !== 42) return none;
  const ifd = u32(4);
  if (ifd + 2 > tiff.length) return none;
  const count = u16(ifd);

  let orientation: Orientation | null = null;
  let xRes = 0;
  let yRes = 0;
  let unit = 2; // inches, the default when the tag is absent (CIPA DC-008, ResolutionUnit)
  const rational = (entry: number): number => {
    const at = u32(entry + 8);
    if (at + 8 > tiff.length) return 0;
    const denominator = u32(at + 4);
    return denominator === 0 ? 0 : u32(at) / denominator;
  };
  for (let i = 0; i < count; i++) {
    const entry = ifd + 2 + i * 12;
    if (entry + 12 > tiff.length) break;
    const tag = u16(entry);
    const type = u16(entry + 2);
    if (tag === TAG_ORIENTATION && type === TYPE_SHORT) {
      const value = u16(entry + 8);
      if (value >= 1 && value <= 8) orientation = value as Orientation;
    } else if (tag === TAG_X_RESOLUTION && type === TYPE_RATIONAL) {
      xRes = rational(entry);
    } else if (tag === TAG_Y_RESOLUTION && type === TYPE_RATIONAL) {
      yRes = rational(entry);
    } else if (tag === TAG_RESOLUTION_UNIT && type === TYPE_SHORT) {
      unit = u16(entry + 8);
    }
  }
  const perInch = unit === 2 ? 1 : unit === 3 ? 2.54 : 0;
  const density =
    xRes > 0 && yRes > 0 && perInch > 0 ? { x: xRes * perInch, y: yRes * perInch, absolute: true } : null;
  return { orientation, density };
}
