import type { ByteSource } from './byte-source.js';
import { MAX_XREF_SUBSECTIONS } from './limits.js';
import { damaged, tooComplex } from './pdf-error.js';
import { isDict } from './pdf-value.js';
import { parseValue } from './value-parser.js';
import { parseAt } from './windowed-parse.js';
import type { XrefEntry, XrefSection } from './xref-entry.js';

// Classic tables are not loaded: each lookup reads one entry at its computed position, so a table of a
// million objects costs no memory. Entries are 20 bytes (section 7.5.4); 19- and 21-byte lines are seen in
// the wild, so each subsection measures its own line length.

interface Subsection {
  first: number;
  count: number;
  entriesAt: number;
  lineLength: number;
}

type Step =
  | { kind: 'trailer'; value: ReturnType<typeof parseValue> }
  | { kind: 'subsection'; first: number; count: number; entriesAt: number };

const ENTRY = /^(\d{10}) (\d{5}) ([nf])/;
const LOOSE_ENTRY = /^\s*(\d{1,10})\s+(\d{1,5})\s+([nf])/;

/** Reads the classic cross-reference table at `offset` (which holds the keyword `xref`). */
export async function readXrefTable(source: ByteSource, offset: number): Promise<XrefSection> {
  let position = await parseAt(source, offset, 'a cross-reference table', (lx) => {
    const keyword = lx.next();
    if (keyword.kind !== 'keyword' || keyword.value !== 'xref')
      throw damaged('startxref does not point at a cross-reference table');
    return offset + lx.pos;
  });
  const subsections: Subsection[] = [];
  for (;;) {
    const step = await parseAt<Step>(source, position, 'a cross-reference subsection header', (lx) => {
      const first = lx.next();
      if (first.kind === 'keyword' && first.value === 'trailer')
        return { kind: 'trailer', value: parseValue(lx) };
      const count = lx.next();
      if (
        first.kind !== 'number' ||
        count.kind !== 'number' ||
        !first.integer ||
        !count.integer ||
        first.value < 0 ||
        count.value < 0
      ) {
        throw damaged('a cross-reference table is malformed');
      }
      lx.skipWhitespace();
      return { kind: 'subsection', first: first.value, count: count.value, entriesAt: position + lx.pos };
    });
    if (step.kind === 'trailer') {
      if (!isDict(step.value)) throw damaged('the trailer is not a dictionary');
      return tableSection(source, subsections, step.value);
    }
    if (subsections.length >= MAX_XREF_SUBSECTIONS) {
      throw tooComplex(`a cross-reference table has more than ${MAX_XREF_SUBSECTIONS} subsections`);
    }
    if (step.entriesAt + step.count * 19 > source.size)
      throw damaged('a cross-reference table runs past the end of the file');
    const subsection = await measureSubsection(source, step.first, step.count, step.entriesAt);
    subsections.push(subsection);
    position = subsection.entriesAt + subsection.count * subsection.lineLength;
  }
}

async function measureSubsection(
  source: ByteSource,
  first: number,
  count: number,
  entriesAt: number,
): Promise<Subsection> {
  if (count === 0) return { first, count, entriesAt, lineLength: 20 };
  const line = (await source.read(entriesAt, 24)).toString('latin1');
  const match = ENTRY.exec(line);
  if (match === null) throw damaged('a cross-reference entry is malformed');
  let eol = 0;
  while (eol < 3 && ' \r\n'.includes(line[18 + eol] ?? 'x')) eol++;
  const lineLength = 18 + Math.max(1, eol);
  // Some writers number the first subsection from 1 while it starts with the free head of object 0.
  const shifted = first === 1 && match[1] === '0000000000' && match[2] === '65535' && match[3] === 'f';
  const subsection = { first: shifted ? 0 : first, count, entriesAt, lineLength };
  // Checking the last entry catches tables whose line lengths vary, which random access cannot read.
  await readEntry(source, subsection, subsection.first + count - 1);
  return subsection;
}

async function readEntry(source: ByteSource, subsection: Subsection, num: number): Promise<XrefEntry> {
  const at = subsection.entriesAt + (num - subsection.first) * subsection.lineLength;
  const match = LOOSE_ENTRY.exec((await source.read(at, subsection.lineLength + 2)).toString('latin1'));
  if (match === null) throw damaged('a cross-reference entry is malformed');
  const offset = Number(match[1]);
  if (match[3] === 'f' || offset === 0) return { type: 'free' };
  return { type: 'offset', offset, gen: Number(match[2]) };
}

function tableSection(
  source: ByteSource,
  subsections: Subsection[],
  trailer: XrefSection['trailer'],
): XrefSection {
  return {
    trailer,
    retainedBytes: 0,
    async locate(num) {
      // A later subsection overrides an earlier one that lists the same object.
      for (let i = subsections.length - 1; i >= 0; i--) {
        const subsection = subsections[i]!;
        if (num >= subsection.first && num < subsection.first + subsection.count)
          return readEntry(source, subsection, num);
      }
      return undefined;
    },
  };
}
