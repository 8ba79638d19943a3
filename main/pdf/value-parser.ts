import { NeedMoreData, type Lexer, type Token } from './lexer.js';
import { MAX_NESTING_DEPTH } from './limits.js';
import { damaged, tooComplex } from './pdf-error.js';
import { PdfName, PdfRef, PdfString, type PdfDict, type PdfValue } from './pdf-value.js';

/** An indirect object `num gen obj ... endobj` as parsed from a window. */
export interface ParsedObject {
  num: number;
  gen: number;
  value: PdfValue;
  /** Window-relative position of the stream data, or null when the object is not a stream. */
  streamStart: number | null;
}

/** Parses one direct value at the lexer's position (resolving nothing). */
export function parseValue(lx: Lexer): PdfValue {
  return valueFrom(lx, lx.next(), 0);
}

function isIndex(token: Token): token is { kind: 'number'; value: number; integer: true } {
  return token.kind === 'number' && token.integer && token.value >= 0 && Number.isSafeInteger(token.value);
}

function valueFrom(lx: Lexer, token: Token, depth: number): PdfValue {
  if (depth > MAX_NESTING_DEPTH) {
    throw tooComplex(`its objects nest more than ${MAX_NESTING_DEPTH} levels deep`);
  }
  switch (token.kind) {
    case 'number':
      return isIndex(token) ? referenceOrNumber(lx, token.value) : token.value;
    case 'name':
      return new PdfName(token.value);
    case 'string':
      return new PdfString(token.value);
    case 'open-array':
      return arrayFrom(lx, depth);
    case 'open-dict':
      return dictFrom(lx, depth);
    case 'keyword':
      if (token.value === 'true') return true;
      if (token.value === 'false') return false;
      if (token.value === 'null') return null;
      throw damaged(`an object holds the unexpected word "${token.value.slice(0, 20)}"`);
    default:
      throw damaged('an object is cut short or out of order');
  }
}

function referenceOrNumber(lx: Lexer, num: number): PdfValue {
  const save = lx.pos;
  const gen = lx.next();
  if (isIndex(gen)) {
    const r = lx.next();
    if (r.kind === 'keyword' && r.value === 'R') return new PdfRef(num, gen.value);
  }
  lx.pos = save;
  return num;
}

function arrayFrom(lx: Lexer, depth: number): PdfValue[] {
  const items: PdfValue[] = [];
  for (;;) {
    const token = lx.next();
    if (token.kind === 'close-array') return items;
    items.push(valueFrom(lx, token, depth + 1));
  }
}

function dictFrom(lx: Lexer, depth: number): PdfDict {
  const dict: PdfDict = new Map();
  for (;;) {
    const key = lx.next();
    if (key.kind === 'close-dict') return dict;
    if (key.kind !== 'name') throw damaged('a dictionary key is not a name');
    const token = lx.next();
    if (token.kind === 'close-dict') {
      dict.set(key.value, null); // `<< /Key >>`: a missing value, seen in the wild
      return dict;
    }
    dict.set(key.value, valueFrom(lx, token, depth + 1));
  }
}

const STREAM = Buffer.from('stream', 'latin1');

/** Parses `num gen obj value` and notes where stream data starts if `stream` follows. */
export function parseIndirectObject(lx: Lexer): ParsedObject {
  const num = lx.next();
  const gen = lx.next();
  const obj = lx.next();
  if (!isIndex(num) || !isIndex(gen) || obj.kind !== 'keyword' || obj.value !== 'obj') {
    throw damaged('an object is not where the cross-reference table says it is');
  }
  const value = parseValue(lx);
  lx.skipWhitespace();
  const { buf } = lx;
  // +2 so that the end-of-line after `stream` is inside the window too.
  if (buf.length - lx.pos < STREAM.length + 2 && !lx.complete) throw new NeedMoreData();
  if (!buf.subarray(lx.pos, lx.pos + STREAM.length).equals(STREAM)) {
    return { num: num.value, gen: gen.value, value, streamStart: null };
  }
  if (!(value instanceof Map)) throw damaged('stream data follows something that is not a dictionary');
  let start = lx.pos + STREAM.length;
  // The keyword is followed by CRLF or LF (section 7.3.8.1); a lone CR is tolerated.
  if (buf[start] === 0x0d && buf[start + 1] === 0x0a) start += 2;
  else if (buf[start] === 0x0a || buf[start] === 0x0d) start += 1;
  return { num: num.value, gen: gen.value, value, streamStart: start };
}
