import { damaged } from './pdf-error.js';

/** One token of PDF syntax (PDF 32000-1 section 7.2). Keywords include `R`, `obj`, `stream`, `true`, .... */
export type Token =
  | { kind: 'number'; value: number; integer: boolean }
  | { kind: 'name'; value: string }
  | { kind: 'string'; value: Buffer }
  | { kind: 'keyword'; value: string }
  | { kind: 'open-array' | 'close-array' | 'open-dict' | 'close-dict' | 'brace' }
  | { kind: 'eof' };

/** Thrown when a token runs off the end of a window that is not the end of the data; the caller reads more. */
export class NeedMoreData extends Error {
  constructor() {
    super('the window ended inside a token');
    this.name = 'NeedMoreData';
  }
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)$/;

/** True for the six PDF white-space bytes. */
export function isWhitespace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09 || byte === 0x0c || byte === 0x00;
}

/** True for bytes that end a name, number or keyword. */
export function isDelimiter(byte: number): boolean {
  // ( ) < > [ ] { } / %
  return (
    byte === 0x28 ||
    byte === 0x29 ||
    byte === 0x3c ||
    byte === 0x3e ||
    byte === 0x5b ||
    byte === 0x5d ||
    byte === 0x7b ||
    byte === 0x7d ||
    byte === 0x2f ||
    byte === 0x25
  );
}

function hexValue(byte: number): number {
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  if (byte >= 0x41 && byte <= 0x46) return byte - 0x37;
  if (byte >= 0x61 && byte <= 0x66) return byte - 0x57;
  return -1;
}

/**
 * Splits a window of bytes into tokens. `complete` says the window reaches the end of the data; when it does
 * not, a token touching the window's end throws NeedMoreData rather than being cut in two.
 */
export class Lexer {
  constructor(
    readonly buf: Buffer,
    public pos: number,
    readonly complete: boolean,
  ) {}

  /** Skips white space and comments. */
  skipWhitespace(): void {
    const { buf } = this;
    while (this.pos < buf.length) {
      const byte = buf[this.pos]!;
      if (isWhitespace(byte)) this.pos++;
      else if (byte === 0x25) {
        while (this.pos < buf.length && buf[this.pos] !== 0x0a && buf[this.pos] !== 0x0d) this.pos++;
      } else return;
    }
  }

  /** Reads the next token. */
  next(): Token {
    this.skipWhitespace();
    const { buf } = this;
    if (this.pos >= buf.length) return this.endOfWindow();
    const byte = buf[this.pos]!;
    switch (byte) {
      case 0x5b:
        this.pos++;
        return { kind: 'open-array' };
      case 0x5d:
        this.pos++;
        return { kind: 'close-array' };
      case 0x7b:
      case 0x7d:
        this.pos++;
        return { kind: 'brace' };
      case 0x2f:
        return this.readName();
      case 0x28:
        return this.readLiteralString();
      case 0x3c:
        if (this.pos + 1 >= buf.length) return this.endOfWindow();
        if (buf[this.pos + 1] === 0x3c) {
          this.pos += 2;
          return { kind: 'open-dict' };
        }
        return this.readHexString();
      case 0x3e:
        if (this.pos + 1 >= buf.length) return this.endOfWindow();
        if (buf[this.pos + 1] === 0x3e) {
          this.pos += 2;
          return { kind: 'close-dict' };
        }
        throw damaged('a stray ">" breaks an object');
      case 0x29:
        throw damaged('a stray ")" breaks an object');
      default:
        return this.readWord();
    }
  }

  private endOfWindow(): Token {
    if (!this.complete) throw new NeedMoreData();
    return { kind: 'eof' };
  }

  /** Position just past the current regular-character run; throws NeedMoreData if the window cuts it. */
  private wordEnd(from: number): number {
    const { buf } = this;
    let end = from;
    while (end < buf.length && !isWhitespace(buf[end]!) && !isDelimiter(buf[end]!)) end++;
    if (end >= buf.length && !this.complete) throw new NeedMoreData();
    return end;
  }

  private readWord(): Token {
    const start = this.pos;
    const end = this.wordEnd(start);
    this.pos = end;
    const text = this.buf.toString('latin1', start, end);
    if (NUMBER.test(text)) return { kind: 'number', value: Number(text), integer: !text.includes('.') };
    return { kind: 'keyword', value: text };
  }

  private readName(): Token {
    const start = this.pos + 1;
    const end = this.wordEnd(start);
    this.pos = end;
    const raw = this.buf.subarray(start, end);
    if (!raw.includes(0x23)) return { kind: 'name', value: raw.toString('latin1') };
    // #xx escapes (PDF 1.2+); a malformed escape is kept literally, as Acrobat does.
    const out: number[] = [];
    for (let i = 0; i < raw.length; i++) {
      const byte = raw[i]!;
      const hi = i + 2 < raw.length ? hexValue(raw[i + 1]!) : -1;
      const lo = i + 2 < raw.length ? hexValue(raw[i + 2]!) : -1;
      if (byte === 0x23 && hi >= 0 && lo >= 0) {
        out.push(hi * 16 + lo);
        i += 2;
      } else out.push(byte);
    }
    return { kind: 'name', value: Buffer.from(out).toString('latin1') };
  }

  private readHexString(): Token {
    const { buf } = this;
    const out: number[] = [];
    let pending = -1;
    let i = this.pos + 1;
    for (; i < buf.length; i++) {
      const byte = buf[i]!;
      if (byte === 0x3e) break;
      if (isWhitespace(byte)) continue;
      const value = hexValue(byte);
      if (value < 0) throw damaged('a hex string holds a character that is not a hex digit');
      if (pending < 0) pending = value;
      else {
        out.push(pending * 16 + value);
        pending = -1;
      }
    }
    if (i >= buf.length) return this.unterminated('hex string');
    if (pending >= 0) out.push(pending * 16);
    this.pos = i + 1;
    return { kind: 'string', value: Buffer.from(out) };
  }

  private unterminated(what: string): Token {
    if (!this.complete) throw new NeedMoreData();
    throw damaged(`a ${what} is never closed`);
  }

  private readLiteralString(): Token {
    const { buf } = this;
    const out: number[] = [];
    let depth = 1;
    let i = this.pos + 1;
    for (; i < buf.length; i++) {
      let byte = buf[i]!;
      if (byte === 0x5c) {
        i++;
        if (i >= buf.length) break;
        byte = buf[i]!;
        const simple = ESCAPES.get(byte);
        if (simple !== undefined) out.push(simple);
        else if (byte >= 0x30 && byte <= 0x37) {
          let code = byte - 0x30;
          for (let k = 0; k < 2 && i + 1 < buf.length && buf[i + 1]! >= 0x30 && buf[i + 1]! <= 0x37; k++) {
            code = code * 8 + (buf[++i]! - 0x30);
          }
          out.push(code & 0xff);
        } else if (byte === 0x0d) {
          if (buf[i + 1] === 0x0a) i++; // a backslash before an end of line continues the string
        } else if (byte !== 0x0a) out.push(byte);
        continue;
      }
      if (byte === 0x28) depth++;
      else if (byte === 0x29 && --depth === 0) break;
      out.push(byte);
    }
    if (i >= buf.length) return this.unterminated('string');
    this.pos = i + 1;
    return { kind: 'string', value: Buffer.from(out) };
  }
}

const ESCAPES = new Map<number, number>([
  [0x6e, 0x0a], // \n
  [0x72, 0x0d], // \r
  [0x74, 0x09], // \t
  [0x62, 0x08], // \b
  [0x66, 0x0c], // \f
  [0x28, 0x28], // \(
  [0x29, 0x29], // \)
  [0x5c, 0x5c], // \\
]);
