/** What went wrong with a PDF, for callers that branch on it (the spooler maps each to a job-state reason). */
export type PdfErrorCode = 'not-pdf' | 'damaged' | 'encrypted-unreadable' | 'no-pages' | 'too-complex';

/** The only error `inspectPdf` throws for bad input; `message` is written for the person who uploaded it. */
export class PdfError extends Error {
  /** Machine-readable reason. */
  readonly code: PdfErrorCode;

  constructor(code: PdfErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PdfError';
    this.code = code;
  }
}

const RESAVE = 'Open it in a PDF viewer, save or print it to a new PDF, and upload that copy.';

/** A `damaged` error; `detail` finishes the sentence "The PDF is damaged: ...". */
export function damaged(detail: string): PdfError {
  return new PdfError('damaged', `The PDF is damaged: ${detail}. ${RESAVE}`);
}

/** A `too-complex` error; `detail` names the structure and the limit it exceeds. */
export function tooComplex(detail: string): PdfError {
  return new PdfError(
    'too-complex',
    `The PDF is too complex to inspect: ${detail}. ${RESAVE} If that does not help, split it into smaller files.`,
  );
}

/** True for a `damaged` error, which the reader answers by scanning the file instead of trusting its index. */
export function isDamaged(error: unknown): error is PdfError {
  return error instanceof PdfError && error.code === 'damaged';
}
