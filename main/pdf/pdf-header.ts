import type { ByteSource } from './byte-source.js';
import { HEADER_WINDOW_BYTES } from './limits.js';
import { PdfError } from './pdf-error.js';

const HEADER = /%PDF-(\d{1,2}\.\d{1,2})/;

/** Reads the version from the `%PDF-x.y` header in the first HEADER_WINDOW_BYTES, or throws `not-pdf`. */
export async function readPdfVersion(source: ByteSource): Promise<string> {
  if (source.size === 0)
    throw new PdfError(
      'not-pdf',
      'This file is not a PDF: it is empty. Choose the document again and re-upload it.',
    );
  const start = (await source.read(0, HEADER_WINDOW_BYTES)).toString('latin1');
  const match = HEADER.exec(start);
  if (match?.[1] === undefined) {
    const what = start.includes('%PDF')
      ? 'its %PDF header has no version number'
      : 'it does not start with a %PDF header';
    throw new PdfError(
      'not-pdf',
      `This file is not a PDF: ${what}. Export or print the document to PDF and upload that file.`,
    );
  }
  return match[1];
}
