import type { ByteSource } from './byte-source.js';
import { readObjectAt } from './indirect-object.js';
import { damaged } from './pdf-error.js';
import { isDict, nonNegativeInt, type PdfValue } from './pdf-value.js';
import { readStreamBytes } from './stream-data.js';
import { decodeStream } from './stream-decode.js';
import type { XrefEntry, XrefSection } from './xref-entry.js';

// Cross-reference streams (PDF 32000-1 section 7.5.8): rows of three big-endian fields whose widths /W gives,
// numbered by the /Index pairs. They are never encrypted (section 7.6.1), so they can always be read.

/** Reads the cross-reference stream object at `offset`. */
export async function readXrefStream(source: ByteSource, offset: number): Promise<XrefSection> {
  const object = await readObjectAt(source, offset);
  const dict = object.value;
  if (!isDict(dict) || object.streamStart === null)
    throw damaged('startxref does not point at a cross-reference section');
  const widths = fieldWidths(dict.get('W'));
  const index = subsectionPairs(dict.get('Index'), dict.get('Size'));
  const length = dict.get('Length');
  const stored = await readStreamBytes(
    source,
    object.streamStart,
    typeof length === 'number' ? length : undefined,
    'a cross-reference stream',
  );
  const rows = decodeStream(dict, stored, 'a cross-reference stream');
  const rowBytes = widths[0] + widths[1] + widths[2];

  return {
    trailer: dict,
    retainedBytes: rows.length,
    async locate(num) {
      let row = 0;
      for (let i = 0; i + 1 < index.length; i += 2) {
        const first = index[i]!;
        const count = index[i + 1]!;
        if (num >= first && num < first + count) {
          const at = (row + num - first) * rowBytes;
          return at + rowBytes <= rows.length ? entryAt(rows, at, widths) : undefined;
        }
        row += count;
      }
      return undefined;
    },
  };
}

function fieldWidths(value: PdfValue | undefined): [number, number, number] {
  if (!Array.isArray(value) || value.length < 3) throw damaged('a cross-reference stream has no valid /W');
  const widths = value.slice(0, 3).map((w) => nonNegativeInt(w) ?? -1);
  if (widths.some((w) => w < 0 || w > 8) || widths[1] === 0)
    throw damaged('a cross-reference stream has no valid /W');
  return widths as [number, number, number];
}

function subsectionPairs(index: PdfValue | undefined, size: PdfValue | undefined): number[] {
  if (index === undefined || index === null) {
    const count = nonNegativeInt(size);
    if (count === undefined) throw damaged('a cross-reference stream has no valid /Size');
    return [0, count];
  }
  if (!Array.isArray(index)) throw damaged('a cross-reference stream has no valid /Index');
  const pairs = index.map((n) => nonNegativeInt(n) ?? -1);
  if (pairs.some((n) => n < 0)) throw damaged('a cross-reference stream has no valid /Index');
  return pairs;
}

function field(rows: Buffer, at: number, width: number): number {
  let value = 0;
  for (let i = 0; i < width; i++) value = value * 256 + rows[at + i]!;
  return value;
}

function entryAt(rows: Buffer, at: number, widths: [number, number, number]): XrefEntry {
  // A zero-width type field means type 1 (table 17).
  const type = widths[0] === 0 ? 1 : field(rows, at, widths[0]);
  const second = field(rows, at + widths[0], widths[1]);
  const third = field(rows, at + widths[0] + widths[1], widths[2]);
  if (type === 1 && second > 0) return { type: 'offset', offset: second, gen: third };
  if (type === 2) return { type: 'compressed', stream: second, index: third };
  // Type 0 is free; other types are to be read as the null object (section 7.5.8.3).
  return { type: 'free' };
}
