import type { ByteSource } from './byte-source.js';
import { damaged } from './pdf-error.js';
import type { PdfValue } from './pdf-value.js';
import { parseIndirectObject } from './value-parser.js';
import { parseAt } from './windowed-parse.js';

/** An indirect object read from the file; `streamStart` is the absolute offset of its stream data. */
export interface FileObject {
  num: number;
  gen: number;
  value: PdfValue;
  streamStart: number | null;
}

/** Reads the object at byte `offset`, checking that it is object `expectedNum` when one is given. */
export async function readObjectAt(
  source: ByteSource,
  offset: number,
  expectedNum?: number,
): Promise<FileObject> {
  if (!Number.isSafeInteger(offset) || offset < 0 || offset >= source.size) {
    throw damaged('an object offset points outside the file');
  }
  const what = expectedNum === undefined ? 'an object' : `object ${expectedNum}`;
  const parsed = await parseAt(source, offset, what, (lx) => parseIndirectObject(lx));
  if (expectedNum !== undefined && parsed.num !== expectedNum) {
    throw damaged(`the cross-reference table sends object ${expectedNum} to object ${parsed.num}`);
  }
  return {
    num: parsed.num,
    gen: parsed.gen,
    value: parsed.value,
    streamStart: parsed.streamStart === null ? null : offset + parsed.streamStart,
  };
}
