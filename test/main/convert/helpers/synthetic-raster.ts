import { Readable } from 'node:stream';
import { encodeLine, PWG_SYNC, pwgPageHeader } from './raster-encoder.js';

/** What a synthetic document looks like. */
export interface SyntheticSpec {
  pages: number;
  widthPx: number;
  heightPx: number;
  dpi: number;
  /** 1 for sgray, 3 for srgb. */
  components: 1 | 3;
}

/**
 * A PWG raster stream produced on the fly, page after page, never built in memory: pages that look like
 * printed text (bands of "glyph" lines between white gaps, so the decoder sees runs, literals, line
 * repeats and fill-to-end codes). Returns the stream and the number of uncompressed raster bytes.
 */
export function syntheticPwgStream(spec: SyntheticSpec): { stream: Readable; rawBytes: number } {
  const bytesPerLine = spec.widthPx * spec.components;
  const unitBytes = spec.components;
  const header = pwgPageHeader({
    widthPx: spec.widthPx,
    heightPx: spec.heightPx,
    colorSpace: spec.components === 1 ? 18 : 19,
    bitsPerColor: 8,
    components: spec.components,
    xDpi: spec.dpi,
    yDpi: spec.dpi,
  });
  // A small set of distinct text lines, encoded once; pages pick among them.
  let seed = 12345;
  const random = (): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  const textLines: Buffer[] = [];
  for (let k = 0; k < 32; k++) {
    const line = Buffer.alloc(bytesPerLine, 0xff);
    const inkEnd = Math.floor(bytesPerLine * (0.5 + random() * 0.4));
    for (let x = unitBytes * 40; x < inkEnd; x++) {
      if (random() < 0.35) line[x] = Math.floor(random() * 4) * 0x40;
    }
    textLines.push(encodeLine(line, unitBytes, { fillToEnd: true, whiteByte: 0xff }));
  }
  const whiteLine = Buffer.from([128]);

  function* pageChunks(page: number): Generator<Buffer> {
    yield header;
    let y = 0;
    let band = page;
    const parts: Buffer[] = [];
    let size = 0;
    const flush = (): Buffer => {
      const out = Buffer.concat(parts, size);
      parts.length = 0;
      size = 0;
      return out;
    };
    while (y < spec.heightPx) {
      // A white gap of up to 256 lines, then a band of glyph lines, some repeated.
      const gap = Math.min(24 + (band % 200), spec.heightPx - y);
      parts.push(Buffer.from([gap - 1]), whiteLine);
      size += 2;
      y += gap;
      for (let row = 0; row < 30 && y < spec.heightPx; row++) {
        const repeat = Math.min(1 + ((row + band) % 3), spec.heightPx - y);
        const line = textLines[(row * 7 + band) % textLines.length] as Buffer;
        parts.push(Buffer.from([repeat - 1]), line);
        size += 1 + line.length;
        y += repeat;
      }
      band++;
      if (size > 64 * 1024) yield flush();
    }
    if (size > 0) yield flush();
  }

  function* document(): Generator<Buffer> {
    yield PWG_SYNC;
    for (let page = 0; page < spec.pages; page++) yield* pageChunks(page);
  }

  return {
    stream: Readable.from(document(), { objectMode: false }),
    rawBytes: spec.pages * spec.heightPx * bytesPerLine,
  };
}
