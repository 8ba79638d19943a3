import { formatPdfNumber } from './pdf-writer.js';

/** Page sizes beyond this many are counted but not listed, so a huge job keeps a small result. */
export const MAX_LISTED_PAGE_SIZES = 1000;

/** What was converted: the page count and the first pages' sizes in points, as written in each MediaBox. */
export interface ConversionResult {
  pages: number;
  pageSizes: Array<{ widthPt: number; heightPt: number }>;
}

/** Counts pages as they are written. */
export class PageTally {
  #result: ConversionResult = { pages: 0, pageSizes: [] };

  /** Pages counted so far. */
  get pages(): number {
    return this.#result.pages;
  }

  /** Counts one page of the given size. */
  add(widthPt: number, heightPt: number): void {
    this.#result.pages += 1;
    if (this.#result.pageSizes.length < MAX_LISTED_PAGE_SIZES) {
      this.#result.pageSizes.push({
        widthPt: Number(formatPdfNumber(widthPt)),
        heightPt: Number(formatPdfNumber(heightPt)),
      });
    }
  }

  /** The finished result. */
  result(): ConversionResult {
    return this.#result;
  }
}
