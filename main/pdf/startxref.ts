import type { ByteSource } from './byte-source.js';
import { Lexer } from './lexer.js';
import { TAIL_WINDOW_BYTES } from './limits.js';
import { damaged } from './pdf-error.js';

/** Finds the last `startxref` in the file's tail and returns the offset that follows it. */
export async function findStartxref(source: ByteSource): Promise<number> {
  const tailStart = Math.max(0, source.size - TAIL_WINDOW_BYTES);
  const tail = await source.read(tailStart, TAIL_WINDOW_BYTES);
  const at = tail.lastIndexOf('startxref', undefined, 'latin1');
  if (at < 0) throw damaged('the file has no startxref at its end, so it is probably cut off');
  const token = new Lexer(tail, at + 'startxref'.length, true).next();
  if (token.kind !== 'number' || !token.integer || token.value < 0 || token.value >= source.size) {
    throw damaged('startxref does not give a position inside the file');
  }
  return token.value;
}
