import { imagePageContent, type Orientation } from './placement.js';
import { formatPdfNumber, type PdfColorSpace, type PdfStreamWriter } from './pdf-writer.js';

/** One page that shows a single image over its whole area. */
export interface ImagePage {
  widthPx: number;
  heightPx: number;
  colorSpace: PdfColorSpace;
  bitsPerComponent: 1 | 8 | 16;
  /** A /Decode array when sample values must be inverted (black-ink rasters, Adobe CMYK JPEG). */
  decode: number[] | null;
  filter: 'DCTDecode' | 'FlateDecode';
  widthPt: number;
  heightPt: number;
  /** How the stored image must be turned to appear upright. */
  orientation: Orientation;
  /** The sheet, when the image covers only part of it (a photo on paper); else the page is the image. */
  sheet?: { widthPt: number; heightPt: number; x: number; y: number };
}

/**
 * Writes the image XObject, its content stream and its page object. `writeImageData` streams the encoded
 * image bytes through `pdf.write()`; their count becomes an indirect /Length written after the stream,
 * so the data never has to be held or measured in advance (ISO 32000-1 section 7.3.8.2).
 */
export async function writeImagePage(
  pdf: PdfStreamWriter,
  page: ImagePage,
  writeImageData: () => Promise<void>,
): Promise<void> {
  const image = pdf.allocate();
  const length = pdf.allocate();
  const content = pdf.allocate();
  const pageId = pdf.allocate();

  const decode = page.decode === null ? '' : ` /Decode [${page.decode.join(' ')}]`;
  await pdf.beginStream(
    image,
    `/Type /XObject /Subtype /Image /Width ${page.widthPx} /Height ${page.heightPx} ` +
      `/ColorSpace /${page.colorSpace} /BitsPerComponent ${page.bitsPerComponent}${decode} ` +
      `/Filter /${page.filter} /Length ${length} 0 R`,
  );
  const start = pdf.offset;
  await writeImageData();
  const dataLength = pdf.offset - start;
  await pdf.endStream();
  await pdf.writeObject(length, String(dataLength));

  await pdf.writeStreamObject(
    content,
    '',
    imagePageContent(page.orientation, page.widthPt, page.heightPt, page.sheet),
  );
  const sheetW = page.sheet?.widthPt ?? page.widthPt;
  const sheetH = page.sheet?.heightPt ?? page.heightPt;
  const box = `[0 0 ${formatPdfNumber(sheetW)} ${formatPdfNumber(sheetH)}]`;
  await pdf.writeObject(
    pageId,
    `<< /Type /Page /Parent ${pdf.pageTree} 0 R /MediaBox ${box} ` +
      `/Resources << /XObject << /Im0 ${image} 0 R >> >> /Contents ${content} 0 R >>`,
  );
  pdf.addPage(pageId);
}
