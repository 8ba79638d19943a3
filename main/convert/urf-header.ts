import { COLOR_MODELS, decodeArray, type ColorModel } from './color-model.js';
import { ConversionError } from './errors.js';
import { checkDimensions, type ConversionLimits } from './limits.js';
import type { RasterPage } from './raster-page.js';

/**
 * Apple raster (URF) has no public specification; the layout here is the one CUPS reads and writes
 * (cups/raster-stream.c): the file header "UNIRAST\0" and a big-endian page count (0 when unknown),
 * then per page a 32-byte header and lines coded as in PWG raster.
 */
export const URF_SYNC = Buffer.from('UNIRAST\0', 'latin1');
/** The sync word plus the page count. */
export const URF_FILE_HEADER_BYTES = 12;
/** Bytes of each page header. */
export const URF_PAGE_HEADER_BYTES = 32;

/** Byte offsets in the page header. */
const FIELD = { bitsPerPixel: 0, colorSpace: 1, width: 12, height: 16, resolution: 20 } as const;

/** URF colour space codes as CUPS maps them; 2 (CIELab) has no plain PDF equivalent. */
const COLOR_SPACES = new Map<number, ColorModel>([
  [0, COLOR_MODELS.sgray],
  [1, COLOR_MODELS.srgb],
  [3, COLOR_MODELS.adobeRgb],
  [4, COLOR_MODELS.gray],
  [5, COLOR_MODELS.rgb],
  [6, COLOR_MODELS.cmyk],
]);

/** Reads and checks one URF page header. */
export function parseUrfHeader(header: Buffer, pageNumber: number, limits: ConversionLimits): RasterPage {
  const what = `Apple raster page ${pageNumber}`;
  const spaceCode = header[FIELD.colorSpace] as number;
  const bitsPerPixel = header[FIELD.bitsPerPixel] as number;
  const model = COLOR_SPACES.get(spaceCode);
  if (model === undefined) {
    throw new ConversionError(
      'unsupported',
      `${what} uses colour space ${spaceCode}, which is not supported; sGray, sRGB, Adobe RGB, RGB, gray and ` +
        'CMYK are. Print as PDF or PWG raster instead.',
    );
  }
  const bitsPerColor = bitsPerPixel / model.components;
  if (bitsPerColor !== 8 && bitsPerColor !== 16) {
    throw new ConversionError(
      'unsupported',
      `${what} uses ${bitsPerPixel} bits per pixel in ${model.name}; 8 and 16 bits per colour are supported. ` +
        'Print as PDF or PWG raster instead.',
    );
  }
  const widthPx = header.readUInt32BE(FIELD.width);
  const heightPx = header.readUInt32BE(FIELD.height);
  const dpi = header.readUInt32BE(FIELD.resolution);
  if (widthPx === 0 || heightPx === 0 || dpi === 0) {
    throw new ConversionError(
      'bad-header',
      `${what} has a damaged header (${widthPx} x ${heightPx} pixels at ${dpi} dpi). The sending device ` +
        'produced an invalid Apple raster stream; print again, or print as PDF.',
    );
  }
  checkDimensions(limits, what, widthPx, heightPx);
  const unitBytes = bitsPerPixel / 8;
  const bytesPerLine = widthPx * unitBytes;
  if (bytesPerLine > limits.maxBytesPerLine) {
    throw new ConversionError(
      'too-large',
      `${what} has lines of ${bytesPerLine} bytes; the limit is ${limits.maxBytesPerLine}. ` +
        'Print it at a lower resolution.',
    );
  }
  return {
    pageNumber,
    widthPx,
    heightPx,
    bytesPerLine,
    unitBytes,
    whiteByte: model.whiteByte,
    colorSpace: model.colorSpace,
    bitsPerComponent: bitsPerColor,
    decode: decodeArray(model),
    widthPt: (widthPx * 72) / dpi,
    heightPt: (heightPx * 72) / dpi,
    orientation: 1,
  };
}
