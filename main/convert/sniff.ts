import type { ConvertibleFormat } from './formats.js';
import { PWG_SYNC } from './pwg-header.js';
import { URF_SYNC } from './urf-header.js';

/** How far into a file a PDF header may start: Acrobat accepts up to 1024 bytes of junk before it. */
const PDF_HEADER_WINDOW = 1024;
const PDF_HEADER = Buffer.from('%PDF-', 'latin1');

/**
 * Sniffs a document format from its first bytes (for jobs sent as application/octet-stream). The raster
 * and JPEG signatures must be at the very start; `%PDF-` may follow some junk, as readers allow
 * (PDF Reference 1.7, Appendix H.3). Pass at least the first 1024 bytes.
 */
export function sniffFormat(head: Buffer): 'application/pdf' | ConvertibleFormat | null {
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'image/jpeg';
  if (startsWith(head, PWG_SYNC)) return 'image/pwg-raster';
  if (startsWith(head, URF_SYNC)) return 'image/urf';
  if (head.subarray(0, PDF_HEADER_WINDOW).indexOf(PDF_HEADER) >= 0) return 'application/pdf';
  return null;
}

function startsWith(head: Buffer, signature: Buffer): boolean {
  return head.length >= signature.length && head.subarray(0, signature.length).equals(signature);
}
