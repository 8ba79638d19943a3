import type { ByteSource } from './byte-source.js';
import { MAX_XREF_SECTIONS, MAX_XREF_STREAM_TOTAL_BYTES } from './limits.js';
import { damaged, tooComplex } from './pdf-error.js';
import { nonNegativeInt, type PdfValue } from './pdf-value.js';
import { parseAt } from './windowed-parse.js';
import type { ObjectLocator, XrefEntry, XrefSection } from './xref-entry.js';
import { readXrefStream } from './xref-stream.js';
import { readXrefTable } from './xref-table.js';

/** The merged cross-reference data of a file: every section from startxref back along /Prev. */
export interface XrefChain extends ObjectLocator {
  /** /Root from the newest trailer that has one. */
  root: PdfValue | undefined;
  /** /Encrypt from the newest trailer that has one. */
  encrypt: PdfValue | undefined;
  /** /ID from the newest trailer that has one (the first string keys the encryption). */
  id: PdfValue | undefined;
}

const MiB = 1024 * 1024;

/**
 * Reads the section at `startxref` and every older one reached through /Prev, plus the cross-reference
 * streams of hybrid files (/XRefStm, section 7.5.8.4). Lookups go newest first; a hybrid stream is
 * consulted right after the table that names it.
 */
export async function readXrefChain(source: ByteSource, startxref: number): Promise<XrefChain> {
  const sections: XrefSection[] = [];
  const visited = new Set<number>();
  let retained = 0;
  const add = async (offset: number, expect: 'any' | 'stream'): Promise<XrefSection | undefined> => {
    // A /Prev that points back into the chain would loop forever; the section was read already.
    if (visited.has(offset)) return undefined;
    visited.add(offset);
    if (sections.length >= MAX_XREF_SECTIONS) {
      throw tooComplex(`it has more than ${MAX_XREF_SECTIONS} cross-reference sections`);
    }
    const section =
      expect === 'stream' || !(await isTableAt(source, offset))
        ? await readXrefStream(source, offset)
        : await readXrefTable(source, offset);
    retained += section.retainedBytes;
    if (retained > MAX_XREF_STREAM_TOTAL_BYTES) {
      throw tooComplex(
        `its cross-reference streams decode to more than ${MAX_XREF_STREAM_TOTAL_BYTES / MiB} MiB`,
      );
    }
    sections.push(section);
    return section;
  };

  let next: number | undefined = startxref;
  while (next !== undefined) {
    const section = await add(next, 'any');
    if (section === undefined) break;
    const hybrid = offsetIn(source, section.trailer.get('XRefStm'));
    if (hybrid !== undefined) await add(hybrid, 'stream');
    next = offsetIn(source, section.trailer.get('Prev'));
  }

  const newest = (key: string): PdfValue | undefined =>
    sections.find((s) => s.trailer.has(key))?.trailer.get(key);
  return {
    root: newest('Root'),
    encrypt: newest('Encrypt'),
    id: newest('ID'),
    async locate(num: number): Promise<XrefEntry | undefined> {
      // The newest entry in use wins; free entries are passed over, which at worst revives a deleted object
      // that nothing newer refers to.
      for (const section of sections) {
        const entry = await section.locate(num);
        if (entry !== undefined && entry.type !== 'free') return entry;
      }
      return undefined;
    },
  };
}

function offsetIn(source: ByteSource, value: PdfValue | undefined): number | undefined {
  if (value === undefined) return undefined;
  const offset = nonNegativeInt(value);
  if (offset === undefined || offset >= source.size)
    throw damaged('a cross-reference section links to a position outside the file');
  return offset;
}

async function isTableAt(source: ByteSource, offset: number): Promise<boolean> {
  return parseAt(source, offset, 'a cross-reference section', (lx) => {
    const token = lx.next();
    return token.kind === 'keyword' && token.value === 'xref';
  });
}
