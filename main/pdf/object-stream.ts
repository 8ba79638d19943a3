import { Lexer } from './lexer.js';
import { damaged } from './pdf-error.js';
import { nonNegativeInt, type PdfDict, type PdfValue } from './pdf-value.js';
import { parseValue } from './value-parser.js';

/** A decoded object stream (PDF 32000-1 section 7.5.7): /N pairs `num offset`, then the objects from /First. */
export interface ObjectStream {
  num: number;
  data: Buffer;
  first: number;
  count: number;
}

/** Wraps the decoded data of object stream `num`, checking /N and /First. */
export function openObjectStream(num: number, dict: PdfDict, data: Buffer): ObjectStream {
  const count = nonNegativeInt(dict.get('N'));
  const first = nonNegativeInt(dict.get('First'));
  if (count === undefined || first === undefined || first > data.length) {
    throw damaged(`object stream ${num} has no valid /N or /First`);
  }
  return { num, data, first, count };
}

/** Calls `visit` with each object number the stream's header lists, its index, and its data offset. */
export function forEachStreamedObject(
  stream: ObjectStream,
  visit: (num: number, index: number, at: number) => void,
): void {
  const lx = new Lexer(stream.data.subarray(0, stream.first), 0, true);
  for (let index = 0; index < stream.count; index++) {
    const num = lx.next();
    const offset = lx.next();
    if (
      num.kind !== 'number' ||
      offset.kind !== 'number' ||
      !num.integer ||
      !offset.integer ||
      num.value < 0 ||
      offset.value < 0
    ) {
      return; // a header cut short lists fewer objects; the ones before the damage are still good
    }
    visit(num.value, index, stream.first + offset.value);
  }
}

/** Parses object `num` out of the stream, trusting `index` first, or undefined when the stream lacks it. */
export function objectFromStream(stream: ObjectStream, num: number, index: number): PdfValue | undefined {
  let at: number | undefined;
  forEachStreamedObject(stream, (n, i, offset) => {
    if (n === num && (at === undefined || i === index)) at = offset;
  });
  if (at === undefined) return undefined;
  if (at >= stream.data.length) throw damaged(`object stream ${stream.num} is cut short`);
  return parseValue(new Lexer(stream.data, at, true));
}
