import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decideRange } from '../../../main/mfp-server/byte-range.js';

describe('byte ranges of a document', () => {
  it('serves one range: first bytes, open-ended, suffix, clamped to the end', () => {
    assert.deepEqual(decideRange('bytes=0-99', 1000), { kind: 'partial', start: 0, end: 99 });
    assert.deepEqual(decideRange('bytes=900-', 1000), { kind: 'partial', start: 900, end: 999 });
    assert.deepEqual(decideRange('bytes=-100', 1000), { kind: 'partial', start: 900, end: 999 });
    assert.deepEqual(decideRange('bytes=-5000', 1000), { kind: 'partial', start: 0, end: 999 });
    assert.deepEqual(decideRange('bytes=10-5000', 1000), { kind: 'partial', start: 10, end: 999 });
    assert.deepEqual(decideRange(' Bytes=1-1 ', 1000), { kind: 'partial', start: 1, end: 1 });
  });

  it('refuses a range that starts at or past the end, an empty suffix and any range of an empty document', () => {
    for (const [header, size] of [
      ['bytes=1000-', 1000],
      ['bytes=1000-2000', 1000],
      ['bytes=-0', 1000],
      ['bytes=0-', 0],
      ['bytes=-10', 0],
    ] as const) {
      assert.deepEqual(decideRange(header, size), { kind: 'unsatisfiable' }, `${header} of ${size}`);
    }
  });

  it('ignores what it does not serve: no header, several ranges, other units, bad syntax, huge numbers', () => {
    for (const header of [
      undefined,
      'bytes=0-1,3-4',
      'bytes=0-1, 3-4',
      'items=0-1',
      'bytes=5-1',
      'bytes=-',
      'bytes=a-b',
      'bytes=0x10-',
      'bytes=1e3-',
      'bytes = 0-1',
      `bytes=${'9'.repeat(16)}-`,
      'bytes=--1',
      '',
    ]) {
      assert.deepEqual(decideRange(header, 1000), { kind: 'full' }, String(header));
    }
  });
});
