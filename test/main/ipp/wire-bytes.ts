// Hand-made IPP bytes for regression seeds, where lengths must be able to lie.

const u16 = (n: number): Buffer => {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n & 0xffff);
  return b;
};

const bytesOf = (v: string | Buffer | number[]): Buffer =>
  typeof v === 'string' ? Buffer.from(v, 'utf8') : Buffer.isBuffer(v) ? v : Buffer.from(v);

/** The 8-octet header: version 2.0, an operation id, request-id 1. */
export function header(operation = 0x0002, major = 2, minor = 0): Buffer {
  return Buffer.from([major, minor, operation >> 8, operation & 0xff, 0, 0, 0, 1]);
}

/** One attribute-with-one-value; `lengths` replaces the true name-length or value-length. */
export function item(
  tag: number,
  name: string | Buffer,
  value: string | Buffer | number[] = [],
  lengths: { name?: number; value?: number } = {},
): Buffer {
  const n = bytesOf(name);
  const v = bytesOf(value);
  return Buffer.concat([
    Buffer.from([tag]),
    u16(lengths.name ?? n.length),
    n,
    u16(lengths.value ?? v.length),
    v,
  ]);
}

/** A 32-bit big-endian integer, as integer and enum values are. */
export function int32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
}

/** The usual start of a request: header, operation group, attributes-charset. */
export function requestStart(): Buffer {
  return Buffer.concat([header(), Buffer.from([0x01]), item(0x47, 'attributes-charset', 'utf-8')]);
}

/** A single delimiter octet. */
export function tag(octet: number): Buffer {
  return Buffer.from([octet]);
}

/** Bytes joined. */
export function join(...parts: Buffer[]): Buffer {
  return Buffer.concat(parts);
}
