import { ConversionError } from './errors.js';
import type { Density } from './placement.js';

/** What the frame header (SOFn) says about the image. */
export interface JpegFrame {
  widthPx: number;
  heightPx: number;
  components: 1 | 3 | 4;
}

/** Markers whose segment has no length field (ITU-T T.81 Table E.1): TEM, RST0-7, SOI, EOI. */
export function isStandaloneMarker(marker: number): boolean {
  return marker === 0x01 || (marker >= 0xd0 && marker <= 0xd9);
}

/** Whether a marker starts a frame (SOF0-15, leaving out DHT 0xC4, JPG 0xC8 and DAC 0xCC). */
export function isFrameMarker(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

/**
 * Reads a frame header segment (marker, length and body). PDF's DCTDecode takes baseline, extended
 * sequential and progressive Huffman-coded JPEGs with 8-bit samples (ISO 32000-1 section 7.4.8); the
 * lossless, hierarchical and arithmetic-coded processes are refused.
 */
export function parseFrame(segment: Buffer): JpegFrame {
  const marker = segment[1] as number;
  if (marker !== 0xc0 && marker !== 0xc1 && marker !== 0xc2) {
    throw new ConversionError(
      'unsupported',
      `The JPEG uses the ${frameProcess(marker)} process, which PDF cannot show. Save it as a baseline or ` +
        'progressive JPEG and print again.',
    );
  }
  if (segment.length < 10) throw damaged('its frame header is too short');
  const precision = segment[4] as number;
  const heightPx = segment.readUInt16BE(5);
  const widthPx = segment.readUInt16BE(7);
  const components = segment[9] as number;
  if (precision !== 8) {
    throw new ConversionError(
      'unsupported',
      `The JPEG has ${precision}-bit samples; PDF shows 8-bit JPEGs only. Save it with 8 bits and print again.`,
    );
  }
  if (components !== 1 && components !== 3 && components !== 4) {
    throw new ConversionError(
      'unsupported',
      `The JPEG has ${components} colour components; gray (1), RGB (3) and CMYK (4) are supported.`,
    );
  }
  if (heightPx === 0) {
    // The height would come later in a DNL segment (T.81 B.2.5), after the first scan.
    throw new ConversionError(
      'unsupported',
      'The JPEG gives its height only after the image data. Save it again.',
    );
  }
  if (widthPx === 0) throw damaged('its width is 0');
  return { widthPx, heightPx, components };
}

function frameProcess(marker: number): string {
  if (marker === 0xc3 || marker === 0xc7 || marker === 0xcb || marker === 0xcf) return 'lossless';
  if (marker >= 0xc9) return 'arithmetic-coded';
  return 'hierarchical';
}

/**
 * Reads the density from a JFIF APP0 segment (JFIF 1.02: units 1 = dots per inch, 2 = per cm, 0 = only
 * the pixel aspect ratio).
 */
export function parseJfifDensity(segment: Buffer): Density | null {
  if (segment.length < 18 || segment.toString('latin1', 4, 9) !== 'JFIF\0') return null;
  const units = segment[11] as number;
  const x = segment.readUInt16BE(12);
  const y = segment.readUInt16BE(14);
  if (x === 0 || y === 0) return null;
  if (units === 1) return { x, y, absolute: true };
  if (units === 2) return { x: x * 2.54, y: y * 2.54, absolute: true };
  return { x, y, absolute: false };
}

/** Whether a segment is an APP1 EXIF block; its TIFF data starts at byte 10. */
export function isExifSegment(segment: Buffer): boolean {
  return segment[1] === 0xe1 && segment.length > 10 && segment.toString('latin1', 4, 10) === 'Exif\0\0';
}

/**
 * Whether a segment is Adobe's APP14 (Adobe Technical Note 5116). Adobe applications write CMYK JPEGs
 * inverted (0 = full ink) and mark them with it, so PDF needs /Decode [1 0 1 0 1 0 1 0] for them.
 */
export function isAdobeSegment(segment: Buffer): boolean {
  return segment[1] === 0xee && segment.length >= 16 && segment.toString('latin1', 4, 9) === 'Adobe';
}

/** The error for a JPEG whose structure is broken before the image data. */
export function damaged(problem: string): ConversionError {
  return new ConversionError(
    'bad-header',
    `The JPEG is damaged (${problem}). Open it in an image editor, save it again and print again.`,
  );
}
