import { COLOR_MODELS, decodeArray, type ColorModel } from './color-model.js';
import { ConversionError } from './errors.js';
import { checkDimensions, type ConversionLimits } from './limits.js';
import type { Orientation } from './placement.js';
import type { RasterPage } from './raster-page.js';

/** The synchronization word that opens a PWG raster stream (PWG 5102.4, "Synchronization Word"). */
export const PWG_SYNC = Buffer.from('RaS2', 'latin1');
/** Every page starts with a header of this many bytes (the cups_page_header2_t layout). */
export const PWG_PAGE_HEADER_BYTES = 1796;

/** Byte offsets of the big-endian fields we read (PWG 5102.4, "Page Header"). */
const FIELD = {
  hwResolution: 276,
  pageSize: 352,
  width: 372,
  height: 376,
  bitsPerColor: 384,
  bitsPerPixel: 388,
  bytesPerLine: 392,
  colorOrder: 396,
  colorSpace: 400,
  crossFeedTransform: 456,
  feedTransform: 460,
} as const;

/** PWG ColorSpaceEnum values we can show (PWG 5102.4 Table 3; 0 is CUPS's device gray). */
const COLOR_SPACES = new Map<number, ColorModel>([
  [0, COLOR_MODELS.gray],
  [1, COLOR_MODELS.rgb],
  [3, COLOR_MODELS.black],
  [6, COLOR_MODELS.cmyk],
  [18, COLOR_MODELS.sgray],
  [19, COLOR_MODELS.srgb],
  [20, COLOR_MODELS.adobeRgb],
]);

/** Reads and checks one PWG raster page header. */
export function parsePwgHeader(header: Buffer, pageNumber: number, limits: ConversionLimits): RasterPage {
  const u32 = (offset: number): number => header.readUInt32BE(offset);
  const what = `PWG raster page ${pageNumber}`;
  const colorOrder = u32(FIELD.colorOrder);
  if (colorOrder !== 0) {
    throw new ConversionError(
      'unsupported',
      `${what} stores its colours in banded or planar order (${colorOrder}); only chunky order is supported. ` +
        'Choose another raster type or print as PDF.',
    );
  }
  const spaceCode = u32(FIELD.colorSpace);
  const model = COLOR_SPACES.get(spaceCode);
  if (model === undefined) {
    throw new ConversionError(
      'unsupported',
      `${what} uses colour space ${spaceCode}, which is not supported; sgray, srgb, adobe-rgb, rgb, black ` +
        'and cmyk are. Choose one of those or print as PDF.',
    );
  }
  const bitsPerColor = u32(FIELD.bitsPerColor);
  if (!(bitsPerColor === 8 || bitsPerColor === 16 || (bitsPerColor === 1 && model.components === 1))) {
    throw new ConversionError(
      'unsupported',
      `${what} uses ${bitsPerColor} bits per colour in ${model.name}; 8 and 16 bits are supported, and 1 bit ` +
        'for sgray and black. Choose another raster type or print as PDF.',
    );
  }
  const bitsPerPixel = u32(FIELD.bitsPerPixel);
  if (bitsPerPixel !== bitsPerColor * model.components) {
    throw badHeader(what, `${bitsPerPixel} bits per pixel do not match ${bitsPerColor}-bit ${model.name}`);
  }
  const widthPx = u32(FIELD.width);
  const heightPx = u32(FIELD.height);
  if (widthPx === 0 || heightPx === 0) throw badHeader(what, `its size is ${widthPx} x ${heightPx} pixels`);
  checkDimensions(limits, what, widthPx, heightPx);
  const xDpi = u32(FIELD.hwResolution);
  const yDpi = u32(FIELD.hwResolution + 4);
  if (xDpi === 0 || yDpi === 0) throw badHeader(what, 'it has no resolution');
  const bytesPerLine = u32(FIELD.bytesPerLine);
  if (bytesPerLine !== Math.ceil((widthPx * bitsPerPixel) / 8)) {
    throw badHeader(
      what,
      `${bytesPerLine} bytes per line do not match ${widthPx} pixels of ${bitsPerPixel} bits`,
    );
  }
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
    unitBytes: Math.ceil(bitsPerPixel / 8),
    whiteByte: model.whiteByte,
    colorSpace: model.colorSpace,
    bitsPerComponent: bitsPerColor as 1 | 8 | 16,
    decode: decodeArray(model),
    widthPt: mediaLength(u32(FIELD.pageSize), widthPx, xDpi),
    heightPt: mediaLength(u32(FIELD.pageSize + 4), heightPx, yDpi),
    orientation: backSideOrientation(u32(FIELD.crossFeedTransform), u32(FIELD.feedTransform)),
  };
}

/**
 * The page length in points. PageSize holds the media size in whole points and is 0 when the default
 * media was meant; the pixels at the resolution give the size the image really has. PageSize wins when
 * the two agree within rounding (it is the media the sender chose, 612 x 792 rather than 611.9 x 792.1),
 * the pixels win otherwise, so a wrong PageSize can never stretch the picture.
 */
function mediaLength(pageSizePt: number, pixels: number, dpi: number): number {
  const imagePt = (pixels * 72) / dpi;
  return pageSizePt > 0 && Math.abs(pageSizePt - imagePt) <= 1 + imagePt / 100 ? pageSizePt : imagePt;
}

/**
 * Back sides of duplex jobs may arrive mirrored for the printer's paper path: CrossFeedTransform or
 * FeedTransform of -1 (PWG 5102.4 Table 9, "PwgRasterDocumentSheetBack"). Mirroring again shows them
 * upright, as a PDF page must be.
 */
function backSideOrientation(crossFeed: number, feed: number): Orientation {
  const mirrorX = crossFeed === 0xffffffff;
  const mirrorY = feed === 0xffffffff;
  if (mirrorX && mirrorY) return 3;
  if (mirrorX) return 2;
  if (mirrorY) return 4;
  return 1;
}

function badHeader(what: string, problem: string): ConversionError {
  return new ConversionError(
    'bad-header',
    `${what} has a damaged header (${problem}). The sending application or driver produced an invalid ` +
      'PWG raster stream; print again, or print as PDF.',
  );
}
