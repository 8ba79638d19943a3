import { constants, inflateSync } from 'node:zlib';
import { MAX_DECODED_BYTES } from './limits.js';
import { damaged, tooComplex } from './pdf-error.js';

const MiB = 1024 * 1024;

/** Inflates zlib data into at most MAX_DECODED_BYTES; no zlib error escapes, only PdfError. */
export function inflateBounded(data: Buffer, what: string): Buffer {
  try {
    // Z_SYNC_FLUSH returns what was decoded so far instead of failing on a truncated stream, which is enough
    // when the objects we need come first.
    return inflateSync(data, { maxOutputLength: MAX_DECODED_BYTES, finishFlush: constants.Z_SYNC_FLUSH });
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw tooComplex(`${what} decompresses to more than the ${MAX_DECODED_BYTES / MiB} MiB limit`);
    }
    throw damaged(`${what} cannot be decompressed`);
  }
}
