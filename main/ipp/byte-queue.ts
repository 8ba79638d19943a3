// A growable byte buffer for the part of an attribute that has arrived but is not complete yet.
// Appending copies once (amortised), so input arriving a byte at a time costs O(n), not O(n²).

/** Bytes waiting for the rest of an item; holds at most one attribute plus one chunk. */
export class ByteQueue {
  private buffer = Buffer.alloc(0);
  private start = 0;
  private end = 0;

  /** Bytes held. */
  get length(): number {
    return this.end - this.start;
  }

  /** Appends a copy of `chunk`. */
  append(chunk: Uint8Array): void {
    if (this.end + chunk.length > this.buffer.length) this.makeRoom(chunk.length);
    this.buffer.set(chunk, this.end);
    this.end += chunk.length;
  }

  /** The bytes held, as a view that is valid until the next append. */
  view(): Buffer {
    return this.buffer.subarray(this.start, this.end);
  }

  /** Drops `count` bytes from the front. */
  consume(count: number): void {
    this.start += count;
    if (this.start >= this.end) this.clear();
  }

  /** Drops everything and releases the storage. */
  clear(): void {
    this.buffer = Buffer.alloc(0);
    this.start = 0;
    this.end = 0;
  }

  private makeRoom(extra: number): void {
    const held = this.length;
    const needed = held + extra;
    if (needed <= this.buffer.length && this.start >= this.buffer.length / 2) {
      this.buffer.copyWithin(0, this.start, this.end);
    } else {
      const next = Buffer.allocUnsafe(Math.max(needed, this.buffer.length * 2, 256));
      this.buffer.copy(next, 0, this.start, this.end);
      this.buffer = next;
    }
    this.start = 0;
    this.end = held;
  }
}
