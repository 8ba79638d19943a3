import { formatPdfNumber } from './pdf-writer.js';

/**
 * How the stored pixels map onto the upright page, as the eight values of the EXIF/TIFF Orientation tag
 * (TIFF 6.0 section 8, tag 274): 1 = as stored, 2 = mirrored left-right, 3 = turned 180 degrees,
 * 4 = mirrored top-bottom, 5 to 8 = the four transposed cases (rows become columns).
 */
export type Orientation = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8;

/** A PDF transformation matrix [a b c d e f] (ISO 32000-1 section 8.3.4). */
export type Matrix = [number, number, number, number, number, number];

/** Whether an orientation swaps width and height (the rows of the stored image become columns). */
export function isTransposed(orientation: Orientation): boolean {
  return orientation >= 5;
}

/**
 * The `cm` matrix that maps the image's unit square onto a page of the given size so that the picture
 * appears upright. An image XObject paints its first row at the top of the unit square (ISO 32000-1
 * section 8.9.4); each row of this table follows from where the EXIF tag puts stored row 0 and column 0.
 */
export function placementMatrix(orientation: Orientation, widthPt: number, heightPt: number): Matrix {
  const w = widthPt;
  const h = heightPt;
  switch (orientation) {
    case 1:
      return [w, 0, 0, h, 0, 0];
    case 2:
      return [-w, 0, 0, h, w, 0];
    case 3:
      return [-w, 0, 0, -h, w, h];
    case 4:
      return [w, 0, 0, -h, 0, h];
    case 5:
      return [0, -h, -w, 0, w, h];
    case 6:
      return [0, -h, w, 0, 0, h];
    case 7:
      return [0, h, w, 0, 0, 0];
    case 8:
      return [0, h, -w, 0, w, 0];
  }
}

/** The content stream that paints image /Im0 over the whole page. */
export function imagePageContent(
  orientation: Orientation,
  widthPt: number,
  heightPt: number,
  offset: { x: number; y: number } = { x: 0, y: 0 },
): Buffer {
  const matrix = placementMatrix(orientation, widthPt, heightPt).map(formatPdfNumber).join(' ');
  const move =
    offset.x === 0 && offset.y === 0
      ? ''
      : `1 0 0 1 ${formatPdfNumber(offset.x)} ${formatPdfNumber(offset.y)} cm\n`;
  return Buffer.from(`q\n${move}${matrix} cm\n/Im0 Do\nQ\n`, 'latin1');
}

/** A sheet of paper in points. */
export interface PaperSize {
  widthPt: number;
  heightPt: number;
}

/** The unprintable border kept around a photo placed on paper (1/6 inch, the usual IPP 423 hundredths of a mm). */
export const PHOTO_MARGIN_PT = 12;

/**
 * Where a photo goes on a sheet of `paper` (IPP "print-scaling" = "auto", PWG 5100.13): a photo with a
 * declared size that fits inside the margins keeps it, any other is scaled to fit inside them; either way
 * it is centred. The sheet stays as the queue feeds it (portrait A4 stays portrait). Returns the sheet and
 * the photo's box on it.
 */
export function placePhoto(
  natural: { widthPt: number; heightPt: number },
  declaredSize: boolean,
  paper: PaperSize,
): { sheet: PaperSize; x: number; y: number; widthPt: number; heightPt: number } {
  const sheet = { widthPt: paper.widthPt, heightPt: paper.heightPt };
  const boxW = sheet.widthPt - 2 * PHOTO_MARGIN_PT;
  const boxH = sheet.heightPt - 2 * PHOTO_MARGIN_PT;
  const fits = declaredSize && natural.widthPt <= boxW && natural.heightPt <= boxH;
  const scale = fits ? 1 : Math.min(boxW / natural.widthPt, boxH / natural.heightPt);
  const widthPt = natural.widthPt * scale;
  const heightPt = natural.heightPt * scale;
  return { sheet, x: (sheet.widthPt - widthPt) / 2, y: (sheet.heightPt - heightPt) / 2, widthPt, heightPt };
}

/** ISO 216 A4 in points (210 x 297 mm at 72 points per inch). */
export const A4_PT = { widthPt: (210 / 25.4) * 72, heightPt: (297 / 25.4) * 72 } as const;
/** ISO 216 A3 in points, the largest sheet a typical office MFP takes. */
export const A3_PT = { widthPt: (297 / 25.4) * 72, heightPt: (420 / 25.4) * 72 } as const;

/** Pixels per inch along each axis, or only their ratio when the file gives no absolute unit. */
export interface Density {
  x: number;
  y: number;
  absolute: boolean;
}

/**
 * The page size for a photo of the given upright pixel size. A declared density is honoured when the
 * page it gives fits on A3; otherwise (no density, or the 72 dpi that cameras write by default making a
 * metre-wide page) the picture is scaled to fit A4 turned to its own orientation, keeping its aspect
 * ratio, which is what IPP "print-scaling" = "auto" (PWG 5100.13) does with an image bigger than the
 * media.
 */
export function photoPageSize(
  widthPx: number,
  heightPx: number,
  density: Density | null,
): { widthPt: number; heightPt: number } {
  const dx = density !== null && density.x > 0 ? density.x : 1;
  const dy = density !== null && density.y > 0 ? density.y : 1;
  const naturalW = (widthPx / dx) * 72;
  const naturalH = (heightPx / dy) * 72;
  if (density?.absolute === true && fitsOn(naturalW, naturalH, A3_PT)) {
    return { widthPt: naturalW, heightPt: naturalH };
  }
  const landscape = naturalW > naturalH;
  const boxW = landscape ? A4_PT.heightPt : A4_PT.widthPt;
  const boxH = landscape ? A4_PT.widthPt : A4_PT.heightPt;
  const scale = Math.min(boxW / naturalW, boxH / naturalH);
  return { widthPt: naturalW * scale, heightPt: naturalH * scale };
}

function fitsOn(w: number, h: number, sheet: { widthPt: number; heightPt: number }): boolean {
  // Half a point of slack, because a 300 dpi A3 scan is 3508 x 4961 pixels, a hair over A3.
  const slack = 0.5;
  return Math.min(w, h) <= sheet.widthPt + slack && Math.max(w, h) <= sheet.heightPt + slack;
}
