import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Lexer } from '../../../main/pdf/lexer.js';
import { PdfError } from '../../../main/pdf/pdf-error.js';
import { PdfName, PdfRef, type PdfValue } from '../../../main/pdf/pdf-value.js';
import { parseIndirectObject, parseValue } from '../../../main/pdf/value-parser.js';

function parse(text: string): PdfValue {
  return parseValue(new Lexer(Buffer.from(text, 'latin1'), 0, true));
}

describe('parseValue', () => {
  it('tells references from pairs of numbers', () => {
    assert.deepEqual(parse('[1 0 R 2 3 4 0 R 5]'), [new PdfRef(1, 0), 2, 3, new PdfRef(4, 0), 5]);
  });

  it('reads nested dictionaries and tolerates a key without a value', () => {
    const dict = parse('<< /Type /Pages /Kids [3 0 R] /Inner << /A true /B null >> /Dangling >>');
    assert.ok(dict instanceof Map);
    assert.deepEqual(dict.get('Type'), new PdfName('Pages'));
    assert.deepEqual(dict.get('Kids'), [new PdfRef(3, 0)]);
    assert.deepEqual(
      dict.get('Inner'),
      new Map<string, PdfValue>([
        ['A', true],
        ['B', null],
      ]),
    );
    assert.equal(dict.get('Dangling'), null);
  });

  it('rejects a dictionary key that is not a name', () => {
    assert.throws(
      () => parse('<< 1 2 >>'),
      (e: unknown) => e instanceof PdfError && e.code === 'damaged',
    );
  });

  it('calls nesting beyond 64 levels too complex instead of overflowing the stack', () => {
    assert.throws(
      () => parse('['.repeat(10_000)),
      (e: unknown) => e instanceof PdfError && e.code === 'too-complex',
    );
  });
});

describe('parseIndirectObject', () => {
  it('finds where stream data starts after CRLF, LF or a lone CR', () => {
    for (const eol of ['\r\n', '\n', '\r']) {
      const text = `7 0 obj\n<< /Length 3 >>\nstream${eol}abc\nendstream\nendobj\n`;
      const parsed = parseIndirectObject(new Lexer(Buffer.from(text, 'latin1'), 0, true));
      assert.equal(parsed.num, 7);
      assert.equal(text.slice(parsed.streamStart ?? 0, (parsed.streamStart ?? 0) + 3), 'abc');
    }
  });

  it('reads an object that is not a stream, even without endobj', () => {
    const parsed = parseIndirectObject(new Lexer(Buffer.from('3 1 obj 42', 'latin1'), 0, true));
    assert.deepEqual(parsed, { num: 3, gen: 1, value: 42, streamStart: null });
  });

  it('rejects bytes that do not start with an object header', () => {
    assert.throws(
      () => parseIndirectObject(new Lexer(Buffer.from('xref 0 1', 'latin1'), 0, true)),
      (e: unknown) => e instanceof PdfError && e.code === 'damaged',
    );
  });
});
