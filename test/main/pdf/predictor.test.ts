import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { undoPredictor } from '../../../main/pdf/predictor.js';

/** PNG-encodes `rows` with the filter type chosen per row (RFC 2083 section 6). */
function pngEncode(plain: Buffer, rowBytes: number, pixelBytes: number, types: number[]): Buffer {
  const rows = plain.length / rowBytes;
  const out = Buffer.alloc(rows * (rowBytes + 1));
  for (let r = 0; r < rows; r++) {
    const type = types[r % types.length]!;
    out[r * (rowBytes + 1)] = type;
    for (let i = 0; i < rowBytes; i++) {
      const x = plain[r * rowBytes + i]!;
      const a = i >= pixelBytes ? plain[r * rowBytes + i - pixelBytes]! : 0;
      const b = r > 0 ? plain[(r - 1) * rowBytes + i]! : 0;
      const c = r > 0 && i >= pixelBytes ? plain[(r - 1) * rowBytes + i - pixelBytes]! : 0;
      const p = a + b - c;
      const paeth =
        Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c)
          ? a
          : Math.abs(p - b) <= Math.abs(p - c)
            ? b
            : c;
      const predicted = [0, a, b, (a + b) >> 1, paeth][type]!;
      out[r * (rowBytes + 1) + 1 + i] = (x - predicted) & 0xff;
    }
  }
  return out;
}

describe('undoPredictor', () => {
  it('undoes every PNG filter type for any data and pixel size', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 12 }),
        fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 5 }),
        fc.infiniteStream(fc.nat({ max: 255 })),
        (colors, columns, rows, types, bytes) => {
          const rowBytes = colors * columns;
          const plain = Buffer.from([...bytes.take(rowBytes * rows)]);
          const encoded = pngEncode(plain, rowBytes, colors, types);
          assert.deepEqual(
            undoPredictor(encoded, { predictor: 12, colors, bitsPerComponent: 8, columns }),
            plain,
          );
        },
      ),
    );
  });

  it('drops a last row cut short', () => {
    const encoded = Buffer.from([2, 1, 2, 2, 1, 1, 2, 9]);
    assert.deepEqual(
      undoPredictor(encoded, { predictor: 12, colors: 1, bitsPerComponent: 8, columns: 2 }),
      Buffer.from([1, 2, 2, 3]),
    );
  });

  it('undoes the TIFF predictor on 8-bit samples', () => {
    const encoded = Buffer.from([10, 1, 1, 20, 2, 2]);
    assert.deepEqual(
      undoPredictor(encoded, { predictor: 2, colors: 1, bitsPerComponent: 8, columns: 3 }),
      Buffer.from([10, 11, 12, 20, 22, 24]),
    );
  });

  it('calls an unknown PNG filter type damage', () => {
    assert.throws(
      () => undoPredictor(Buffer.from([7, 0]), { predictor: 12, colors: 1, bitsPerComponent: 8, columns: 1 }),
      /damaged/,
    );
  });
});
