/**
 * Decodes one raster line in the modified PackBits scheme shared by PWG raster (PWG 5102.4, "Page Data")
 * and Apple URF: after the line-repeat byte (read by the caller), each count byte is
 *   0-127   one pixel follows, repeated count + 1 times;
 *   129-255 257 - count literal pixels follow;
 *   128     the rest of the line is white.
 * A "pixel" is `unitBytes` bytes (one byte for 1-bit rasters). Runs that overrun the line are clipped and
 * only the bytes that fit are read, as CUPS's reader does (cups/raster-stream.c), so streams CUPS accepts
 * decode the same here.
 *
 * Returns the position after the line's data in `src`, or -1 if `src` ends first (the line is cut off).
 */
export function decodePackBitsLine(
  src: Buffer,
  start: number,
  line: Buffer,
  unitBytes: number,
  whiteByte: number,
): number {
  const end = src.length;
  const lineBytes = line.length;
  let pos = start;
  let x = 0;
  while (x < lineBytes) {
    if (pos >= end) return -1;
    const count = src[pos++] as number;
    if (count === 128) {
      line.fill(whiteByte, x);
      return pos;
    }
    if (count > 128) {
      const take = Math.min((257 - count) * unitBytes, lineBytes - x);
      if (pos + take > end) return -1;
      src.copy(line, x, pos, pos + take);
      pos += take;
      x += take;
    } else {
      const take = Math.min((count + 1) * unitBytes, lineBytes - x);
      if (pos + unitBytes > end) return -1;
      if (unitBytes === 1) line.fill(src[pos] as number, x, x + take);
      else line.fill(src.subarray(pos, pos + unitBytes), x, x + take);
      pos += unitBytes;
      x += take;
    }
  }
  return pos;
}

/** The most bytes one encoded line can take, line-repeat byte included: a count byte before every pixel. */
export function worstCaseEncodedLine(lineBytes: number, unitBytes: number): number {
  return 1 + Math.ceil(lineBytes / unitBytes) * (1 + unitBytes);
}
