// A growable big-endian byte writer for the encoder (RFC 8010 §3: all integers are network order).

/** Appends big-endian integers and byte strings to a buffer that doubles as needed. */
export class ByteWriter {
  private buffer: Buffer;
  private length = 0;

  constructor(initialSize = 1024) {
    this.buffer = Buffer.allocUnsafe(initialSize);
  }

  /** Writes one octet. */
  uint8(value: number): void {
    this.reserve(1);
    this.buffer[this.length] = value;
    this.length += 1;
  }

  /** Writes an unsigned 16-bit integer. */
  uint16(value: number): void {
    this.reserve(2);
    this.buffer.writeUInt16BE(value, this.length);
    this.length += 2;
  }

  /** Writes a signed 32-bit integer. */
  int32(value: number): void {
    this.reserve(4);
    this.buffer.writeInt32BE(value, this.length);
    this.length += 4;
  }

  /** Writes bytes as they are. */
  bytes(value: Uint8Array): void {
    this.reserve(value.length);
    this.buffer.set(value, this.length);
    this.length += value.length;
  }

  /** Reserves `count` bytes and returns the offset to fill them at (for fixed-size values). */
  claim(count: number): { target: Buffer; at: number } {
    this.reserve(count);
    const at = this.length;
    this.length += count;
    return { target: this.buffer, at };
  }

  /** The bytes written, as a Buffer of exactly that length. */
  finish(): Buffer {
    return this.buffer.subarray(0, this.length);
  }

  private reserve(count: number): void {
    if (this.length + count <= this.buffer.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.length + count));
    this.buffer.copy(next, 0, 0, this.length);
    this.buffer = next;
  }
}
