import type { ByteSource } from './byte-source.js';
import { MAX_STREAM_BYTES } from './limits.js';
import { damaged, tooComplex, type PdfError } from './pdf-error.js';

const ENDSTREAM = Buffer.from('endstream', 'latin1');
const SEARCH_CHUNK_BYTES = 64 * 1024;
const MiB = 1024 * 1024;

/**
 * Reads the stored bytes of a stream whose data starts at `start`. `length` is its /Length when that is a
 * number; a /Length that does not land on `endstream` is common in damaged files, so the keyword is searched
 * for instead (bounded by MAX_STREAM_BYTES).
 */
export async function readStreamBytes(
  source: ByteSource,
  start: number,
  length: number | undefined,
  what: string,
): Promise<Buffer> {
  const lengthFits = length !== undefined && length <= MAX_STREAM_BYTES && start + length <= source.size;
  if (lengthFits && (await endstreamFollows(source, start + length))) return source.read(start, length);

  const end = await findEndstream(source, start);
  if (end !== undefined) {
    if (end - start > MAX_STREAM_BYTES) throw tooLarge(what);
    return source.read(start, end - start);
  }
  if (lengthFits) return source.read(start, length);
  if (length !== undefined && length > MAX_STREAM_BYTES) throw tooLarge(what);
  if (start + MAX_STREAM_BYTES < source.size) throw tooLarge(what);
  throw damaged(`${what} is cut off before its end`);
}

function tooLarge(what: string): PdfError {
  return tooComplex(`${what} is larger than the ${MAX_STREAM_BYTES / MiB} MiB limit`);
}

async function endstreamFollows(source: ByteSource, position: number): Promise<boolean> {
  const tail = await source.read(position, 32);
  let i = 0;
  while (i < tail.length && (tail[i] === 0x0d || tail[i] === 0x0a || tail[i] === 0x20 || tail[i] === 0x09))
    i++;
  return tail.subarray(i, i + ENDSTREAM.length).equals(ENDSTREAM);
}

/** Offset where the stream data before `endstream` ends (its end-of-line excluded), or undefined. */
async function findEndstream(source: ByteSource, start: number): Promise<number | undefined> {
  const limit = Math.min(source.size, start + MAX_STREAM_BYTES + SEARCH_CHUNK_BYTES);
  const overlap = ENDSTREAM.length - 1;
  const buffer = Buffer.alloc(SEARCH_CHUNK_BYTES);
  for (let position = start; position < limit; position += SEARCH_CHUNK_BYTES - overlap) {
    const chunk = await source.readInto(
      buffer.subarray(0, Math.min(SEARCH_CHUNK_BYTES, limit - position)),
      position,
    );
    const found = chunk.indexOf(ENDSTREAM);
    if (found >= 0) {
      let end = position + found;
      // The end-of-line before `endstream` is not part of the data (section 7.3.8.1).
      const before = await source.read(Math.max(start, end - 2), Math.min(2, end - start));
      if (before.length === 2 && before[0] === 0x0d && before[1] === 0x0a) end -= 2;
      else if (before.length > 0 && (before.at(-1) === 0x0a || before.at(-1) === 0x0d)) end -= 1;
      return end;
    }
    if (chunk.length < SEARCH_CHUNK_BYTES) break;
  }
  return undefined;
}
