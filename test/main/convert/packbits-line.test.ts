import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { decodePackBitsLine, worstCaseEncodedLine } from '../../../main/convert/packbits-line.js';
import { encodeLine } from './helpers/raster-encoder.js';

describe('decodePackBitsLine', () => {
  it('decodes whatever the test encoder writes, for every pixel size and coding style', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(1, 2, 3, 4, 6, 8),
        fc.integer({ min: 1, max: 300 }),
        fc.constantFrom(0x00, 0xff),
        fc.boolean(),
        fc.boolean(),
        fc.integer(),
        (unitBytes, pixels, whiteByte, fillToEnd, literalsOnly, seed) => {
          // Few distinct values and a white tail, so runs, literals and fill-to-end all occur.
          const line = Buffer.alloc(pixels * unitBytes, whiteByte);
          const inked = Math.floor(pixels * 0.7);
          let state = seed;
          for (let i = 0; i < inked * unitBytes; i++) {
            state = (state * 1103515245 + 12345) & 0x7fffffff;
            line[i] = state % 5 === 0 ? (state >> 8) & 0xff : 0x80;
          }
          const encoded = encodeLine(line, unitBytes, { fillToEnd, whiteByte, literalsOnly });
          assert.ok(1 + encoded.length <= worstCaseEncodedLine(line.length, unitBytes));
          const decoded = Buffer.alloc(line.length, 0x5a);
          const end = decodePackBitsLine(encoded, 0, decoded, unitBytes, whiteByte);
          assert.equal(end, encoded.length);
          assert.ok(decoded.equals(line));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('says -1 when the data ends inside a line, at every cut', () => {
    const line = Buffer.from('aabbccddeeff00112233445566778899', 'hex');
    const encoded = encodeLine(line, 2);
    for (let cut = 0; cut < encoded.length; cut++) {
      assert.equal(decodePackBitsLine(encoded.subarray(0, cut), 0, Buffer.alloc(line.length), 2, 0xff), -1);
    }
  });

  it('clips a literal run that overruns the line and reads only the bytes that fit, as CUPS does', () => {
    const decoded = Buffer.alloc(3);
    // 4 literals announced for a 3-pixel line: the 4th byte is left for whatever comes next.
    const end = decodePackBitsLine(Buffer.from([0xfd, 1, 2, 3, 4]), 0, decoded, 1, 0xff);
    assert.deepEqual([...decoded], [1, 2, 3]);
    assert.equal(end, 4);
  });
});
