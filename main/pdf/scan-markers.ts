import { isDelimiter, isWhitespace } from './lexer.js';

// Byte-level searches used by the recovery scan. They use Buffer.indexOf (native, fast on 1 GiB) and then
// check the few bytes around each hit, instead of running a regular expression over decoded text.

/** An `N G obj` header: `at` is where `obj` starts, `start` where N starts. */
export interface HeaderHit {
  at: number;
  start: number;
  num: number;
}

/** Longest run of white space accepted between the parts of a marker. */
const MAX_GAP = 16;
/** Bytes of context a hit may need before its anchor: a 10-digit number, a 5-digit generation, two gaps. */
export const CONTEXT_BEFORE = 64;
/** Bytes of context a hit may need after its anchor: `/Catalog` plus the byte that ends it. */
export const CONTEXT_AFTER = 16;

const OBJ = Buffer.from('obj', 'latin1');
const TYPE = Buffer.from('/Type', 'latin1');

function isDigit(byte: number | undefined): boolean {
  return byte !== undefined && byte >= 0x30 && byte <= 0x39;
}

/** True when the byte at `i` ends a token: white space, a delimiter, or the end of the data. */
function endsToken(buf: Buffer, i: number, dataEnds: boolean): boolean {
  const byte = buf[i];
  if (byte === undefined) return dataEnds;
  return isWhitespace(byte) || isDelimiter(byte);
}

function skipGapBack(buf: Buffer, i: number): number {
  let j = i;
  while (j >= 0 && i - j < MAX_GAP && isWhitespace(buf[j]!)) j--;
  return j;
}

function digitsBack(buf: Buffer, i: number, max: number): number {
  let j = i;
  while (j >= 0 && i - j < max && isDigit(buf[j])) j--;
  return j;
}

/**
 * Finds `N G obj` headers whose `obj` starts in [from, to). `atFileStart` says buf[0] is the first byte of
 * the file, and `atFileEnd` that buf ends where the file does.
 */
export function findObjectHeaders(
  buf: Buffer,
  from: number,
  to: number,
  atFileStart: boolean,
  atFileEnd: boolean,
): HeaderHit[] {
  const hits: HeaderHit[] = [];
  for (let at = buf.indexOf(OBJ, from); at >= 0 && at < to; at = buf.indexOf(OBJ, at + 1)) {
    if (!endsToken(buf, at + 3, atFileEnd)) continue;
    const genEnd = skipGapBack(buf, at - 1);
    if (genEnd === at - 1) continue; // no white space before `obj`
    const genStart = digitsBack(buf, genEnd, 5) + 1;
    if (genStart > genEnd) continue;
    const numEnd = skipGapBack(buf, genStart - 1);
    if (numEnd === genStart - 1) continue;
    const before = digitsBack(buf, numEnd, 10);
    const numStart = before + 1;
    if (numStart > numEnd) continue;
    if (before >= 0 ? !endsToken(buf, before, false) : !atFileStart) continue;
    const num = Number(buf.toString('latin1', numStart, numEnd + 1));
    if (num <= 0xffffffff) hits.push({ at, start: numStart, num });
  }
  return hits;
}

/** Finds `/Type /<type>` entries whose type name starts in [from, to); returns those positions. */
export function findTypeMarkers(
  buf: Buffer,
  type: string,
  from: number,
  to: number,
  atFileEnd: boolean,
): number[] {
  const needle = Buffer.from(`/${type}`, 'latin1');
  const hits: number[] = [];
  for (let at = buf.indexOf(needle, from); at >= 0 && at < to; at = buf.indexOf(needle, at + 1)) {
    if (!endsToken(buf, at + needle.length, atFileEnd)) continue;
    const end = skipGapBack(buf, at - 1) + 1;
    if (end >= TYPE.length && buf.subarray(end - TYPE.length, end).equals(TYPE)) hits.push(at);
  }
  return hits;
}

/** Finds the keyword `word` standing alone, starting in [from, to); returns the positions just after it. */
export function findKeyword(
  buf: Buffer,
  word: string,
  from: number,
  to: number,
  atFileStart: boolean,
  atFileEnd: boolean,
): number[] {
  const needle = Buffer.from(word, 'latin1');
  const hits: number[] = [];
  for (let at = buf.indexOf(needle, from); at >= 0 && at < to; at = buf.indexOf(needle, at + 1)) {
    const startsToken = at > 0 ? endsToken(buf, at - 1, false) : atFileStart;
    if (startsToken && endsToken(buf, at + needle.length, atFileEnd)) hits.push(at + needle.length);
  }
  return hits;
}
