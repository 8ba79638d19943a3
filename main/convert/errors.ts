/** Why a document could not be turned into a PDF; each code maps to one kind of bad input. */
export type ConversionErrorCode = 'bad-header' | 'truncated' | 'unsupported' | 'too-large' | 'no-pages';

/**
 * A document that cannot be converted. Only bad input raises this; failures of the input or output
 * streams themselves (a reset connection, a full disk) reach the caller unchanged.
 */
export class ConversionError extends Error {
  override readonly name = 'ConversionError';

  constructor(
    readonly code: ConversionErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
