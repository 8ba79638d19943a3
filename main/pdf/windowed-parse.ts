import type { ByteSource } from './byte-source.js';
import { Lexer, NeedMoreData } from './lexer.js';
import { FIRST_WINDOW_BYTES, MAX_OBJECT_BYTES } from './limits.js';
import { tooComplex } from './pdf-error.js';

/**
 * Runs `parse` on a window of the file at `position`, growing the window fourfold each time a token runs off
 * its end, up to MAX_OBJECT_BYTES. `what` names the structure for the too-complex message.
 */
export async function parseAt<T>(
  source: ByteSource,
  position: number,
  what: string,
  parse: (lx: Lexer, window: Buffer) => T,
): Promise<T> {
  let size = FIRST_WINDOW_BYTES;
  for (;;) {
    const window = await source.read(position, size);
    const complete = position + window.length >= source.size;
    try {
      return parse(new Lexer(window, 0, complete), window);
    } catch (error) {
      if (!(error instanceof NeedMoreData) || complete) throw error;
      if (size >= MAX_OBJECT_BYTES) {
        throw tooComplex(`${what} is larger than the ${MAX_OBJECT_BYTES / 1024 / 1024} MiB limit`);
      }
      size = Math.min(size * 4, MAX_OBJECT_BYTES);
    }
  }
}
