import type { ObjectResolver } from './object-resolver.js';
import { PdfError, damaged } from './pdf-error.js';
import { isDict, nonNegativeInt, type PdfValue } from './pdf-value.js';

/**
 * Follows the catalog `root` to its page tree and returns the root's /Count (PDF 32000-1 section 7.7.3.2).
 * `fileSize` bounds a believable count: every page needs bytes of its own.
 */
export async function countPages(
  resolver: ObjectResolver,
  root: PdfValue | undefined,
  fileSize: number,
): Promise<number> {
  const catalog = await resolver.resolve(root);
  if (!isDict(catalog)) throw damaged('its document catalog is missing');
  const pages = await resolver.resolve(catalog.get('Pages'));
  if (!isDict(pages)) throw damaged('its page tree is missing');
  const count = nonNegativeInt(await resolver.resolve(pages.get('Count')));
  if (count === undefined || count > fileSize) throw damaged('its page tree has no valid page count');
  if (count === 0) {
    throw new PdfError(
      'no-pages',
      'The PDF has no pages, so there is nothing to print. Check that you exported the right document.',
    );
  }
  return count;
}
