import type { PdfDict } from './pdf-value.js';

/** Where one object lives, as a cross-reference entry (PDF 32000-1 sections 7.5.4 and 7.5.8.3) says. */
export type XrefEntry =
  | { type: 'free' }
  | { type: 'offset'; offset: number; gen: number }
  /** In object stream `stream` at `index`; `streamOffset` is known when the recovery scan found the stream. */
  | { type: 'compressed'; stream: number; index: number; streamOffset?: number };

/** Finds where objects live: a cross-reference chain, or the index the recovery scan built. */
export interface ObjectLocator {
  /** The entry for object `num`, or undefined when nothing mentions it. */
  locate(num: number): Promise<XrefEntry | undefined>;
}

/** One cross-reference section (a classic table or a stream) and its trailer dictionary. */
export interface XrefSection extends ObjectLocator {
  trailer: PdfDict;
  /** Bytes of decoded cross-reference data this section keeps in memory. */
  retainedBytes: number;
}
