import type { Readable, Writable } from 'node:stream';
import { ChunkReader } from './chunk-reader.js';
import { ConversionError } from './errors.js';
import { CONVERTIBLE_FORMATS, type ConvertibleFormat } from './formats.js';
import { writeJpegDocument } from './jpeg-document.js';
import { resolveLimits, type ConversionLimits } from './limits.js';
import { PageTally, type ConversionResult } from './page-tally.js';
import { PdfStreamWriter } from './pdf-writer.js';
import { APPLE_RASTER as URF, PWG_RASTER as PWG, writeRasterDocument } from './raster-document.js';

export { ConversionError, type ConversionErrorCode } from './errors.js';
export { CONVERTIBLE_FORMATS, type ConvertibleFormat } from './formats.js';
export { DEFAULT_CONVERSION_LIMITS, type ConversionLimits } from './limits.js';
export { MAX_LISTED_PAGE_SIZES, type ConversionResult } from './page-tally.js';
export { sniffFormat } from './sniff.js';
import type { PaperSize } from './placement.js';
export type { PaperSize } from './placement.js';

/** How to lay the document out. */
export interface ConversionOptions {
  /**
   * The job's paper: a photo (JPEG) is centred and fitted on it, as a printer does. Without it the page is
   * the photo's own size. Rasters always carry their own page size.
   */
  paper?: PaperSize;
}

/**
 * Reads `input` (a stream of the given format) and writes a PDF to `output`, one page per image/raster page.
 *
 * Streaming: at most one encoded raster line window, one batch of decoded lines and zlib's buffers are in
 * memory (for JPEG, the metadata before the frame header), whatever the number of pages or the job size.
 *
 * On success, `output` has been ended and has emitted 'finish', and every input byte has been read.
 * On failure nothing is cleaned up: `output` is left unended and holds an incomplete PDF (delete it), and
 * `input` is neither drained nor destroyed (the caller may still need it, e.g. to answer an IPP request).
 * Bad input rejects with a ConversionError; an error of `input` or `output` itself (a reset connection, a
 * full disk) rejects with that error unchanged. The conversion never waits on anything but the two
 * streams, so a stalled input is the caller's to time out.
 */
export async function convertToPdf(
  format: ConvertibleFormat,
  input: NodeJS.ReadableStream | Readable,
  output: Writable,
  limits?: Partial<ConversionLimits>,
  options: ConversionOptions = {},
): Promise<ConversionResult> {
  if (!CONVERTIBLE_FORMATS.includes(format)) {
    throw new ConversionError(
      'unsupported',
      `Documents of type ${String(format)} cannot be converted to PDF; JPEG, PWG raster and Apple raster can.`,
    );
  }
  const resolved = resolveLimits(limits);
  const reader = new ChunkReader(input, resolved.maxInputBytes);
  const pdf = new PdfStreamWriter(output);
  const tally = new PageTally();
  try {
    await pdf.begin();
    if (format === 'image/jpeg') await writeJpegDocument(reader, pdf, resolved, tally, options.paper);
    else await writeRasterDocument(format === 'image/urf' ? URF : PWG, reader, pdf, resolved, tally);
    if (tally.pages === 0) {
      throw new ConversionError('no-pages', 'The document has no pages. Print it again.');
    }
    await reader.skipToEnd();
    await pdf.finish();
    return tally.result();
  } finally {
    pdf.release();
    await reader.release();
  }
}
