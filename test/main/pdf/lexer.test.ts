import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Lexer, NeedMoreData, type Token } from '../../../main/pdf/lexer.js';
import { PdfError } from '../../../main/pdf/pdf-error.js';

function tokens(text: string): Token[] {
  const lx = new Lexer(Buffer.from(text, 'latin1'), 0, true);
  const out: Token[] = [];
  for (let token = lx.next(); token.kind !== 'eof'; token = lx.next()) out.push(token);
  return out;
}

describe('Lexer', () => {
  it('reads integers and reals in every form PDF allows', () => {
    assert.deepEqual(
      tokens('12 -3 +4 4. -.002 0.5').map((t) => (t.kind === 'number' ? [t.value, t.integer] : t.kind)),
      [
        [12, true],
        [-3, true],
        [4, true],
        [4, false],
        [-0.002, false],
        [0.5, false],
      ],
    );
  });

  it('treats a malformed number as a keyword the parser will reject', () => {
    assert.deepEqual(tokens('1.2.3'), [{ kind: 'keyword', value: '1.2.3' }]);
  });

  it('decodes #xx escapes in names and keeps a malformed escape as it is', () => {
    assert.deepEqual(tokens('/A#20B /C#zz /'), [
      { kind: 'name', value: 'A B' },
      { kind: 'name', value: 'C#zz' },
      { kind: 'name', value: '' },
    ]);
  });

  it('reads literal strings with nested parentheses, escapes and octal codes', () => {
    const [token] = tokens('(a(b)c\\)\\n\\101\\7\\\ncont)');
    assert.deepEqual(token, { kind: 'string', value: Buffer.from('a(b)c)\nA\x07cont', 'latin1') });
  });

  it('reads hex strings, padding an odd last digit with zero', () => {
    assert.deepEqual(tokens('<48 65 6c6C6 >'), [
      { kind: 'string', value: Buffer.from([0x48, 0x65, 0x6c, 0x6c, 0x60]) },
    ]);
  });

  it('skips comments and tells dictionary brackets from hex strings', () => {
    assert.deepEqual(
      tokens('% a comment\n<< /K [1] >>').map((t) => t.kind),
      ['open-dict', 'name', 'open-array', 'number', 'close-array', 'close-dict'],
    );
  });

  it('asks for more data when a token touches the end of a partial window', () => {
    for (const text of ['123', '/Name', '(open', '<4142', '<', 'endob']) {
      assert.throws(() => new Lexer(Buffer.from(text, 'latin1'), 0, false).next(), NeedMoreData, text);
    }
  });

  it('reports an unclosed string at the end of the data as damage', () => {
    assert.throws(
      () => tokens('(never closed'),
      (e: unknown) => e instanceof PdfError && e.code === 'damaged',
    );
    assert.throws(
      () => tokens('<41 zz>'),
      (e: unknown) => e instanceof PdfError && e.code === 'damaged',
    );
  });
});
