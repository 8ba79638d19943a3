import { Readable } from 'node:stream';
import { ConversionError } from './errors.js';
import { formatBytes } from './limits.js';

const EMPTY = Buffer.alloc(0);

/**
 * Pulls an input stream chunk by chunk and offers a small look-ahead window over it, so parsers can
 * decode synchronously once enough bytes are buffered. It holds at most about twice the largest window
 * asked for plus one chunk, and counts every byte against the input limit.
 */
export class ChunkReader {
  /** The buffered bytes; `buffer[position]` is the next unread one. */
  buffer: Buffer = EMPTY;
  /** Index of the next unread byte in `buffer`. */
  position = 0;
  #chunks: AsyncIterator<unknown>;
  #ended = false;
  #total = 0;

  constructor(
    input: NodeJS.ReadableStream | Readable,
    private readonly maxInputBytes: number,
  ) {
    // destroyOnReturn: false, because on bad input the caller still owns the stream: an HTTP request
    // body must stay readable so that the IPP server can drain it and answer with an error status.
    const readable = input instanceof Readable ? input : new Readable().wrap(input);
    this.#chunks = readable.iterator({ destroyOnReturn: false });
  }

  /** Bytes buffered and not yet consumed. */
  get available(): number {
    return this.buffer.length - this.position;
  }

  /** Bytes read from the input so far, consumed or not. */
  get bytesRead(): number {
    return this.#total;
  }

  /**
   * Makes at least `n` bytes available unless the input ends first; says whether it did. When it must
   * read, it reads ahead to about twice `n`, so that a parser asking for a worst-case window per line
   * copies each input byte a bounded number of times.
   */
  async ensure(n: number): Promise<boolean> {
    if (this.available >= n) return true;
    const parts: Buffer[] = [this.buffer.subarray(this.position)];
    let total = this.available;
    const target = Math.max(2 * n, 64 * 1024);
    while (total < target) {
      const chunk = await this.#next();
      if (chunk === null) break;
      parts.push(chunk);
      total += chunk.length;
    }
    this.buffer = parts.length === 1 ? (parts[0] ?? EMPTY) : Buffer.concat(parts, total);
    this.position = 0;
    return total >= n;
  }

  /** Hands out whatever is buffered, or else the next chunk; null at the end of the input. */
  async nextSlice(): Promise<Buffer | null> {
    if (this.available > 0) {
      const slice = this.buffer.subarray(this.position);
      this.buffer = EMPTY;
      this.position = 0;
      return slice;
    }
    return this.#next();
  }

  /** Reads and discards the rest of the input, still within the input limit. */
  async skipToEnd(): Promise<void> {
    this.buffer = EMPTY;
    this.position = 0;
    while ((await this.#next()) !== null) {
      // Discarded: trailing bytes after the last image are not part of any page.
    }
  }

  /** Stops reading without destroying the input, which stays the caller's to drain or destroy. */
  async release(): Promise<void> {
    this.buffer = EMPTY;
    if (!this.#ended) {
      this.#ended = true;
      await this.#chunks.return?.();
    }
  }

  async #next(): Promise<Buffer | null> {
    if (this.#ended) return null;
    const { value, done } = await this.#chunks.next();
    if (done === true) {
      this.#ended = true;
      return null;
    }
    const chunk = toBuffer(value);
    this.#total += chunk.length;
    if (this.#total > this.maxInputBytes) {
      throw new ConversionError(
        'too-large',
        `The document is larger than the ${formatBytes(this.maxInputBytes)} limit. ` +
          'Print fewer pages at a time or at a lower resolution.',
      );
    }
    return chunk;
  }
}

function toBuffer(value: unknown): Buffer {
  if (Buffer.isBuffer(value)) return value;
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  // A string chunk means someone called setEncoding() on the input: the bytes are already lost.
  throw new TypeError('convertToPdf needs a byte stream; do not set an encoding on the input.');
}
