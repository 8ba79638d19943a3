// Page counting for uploads of up to 1 GiB without holding the file: the header, the tail, the
// cross-reference sections and the few objects on the way from /Root to the page tree's /Count are read
// by random access in small windows. When the cross-reference data is damaged, one bounded pass over the
// file finds the objects instead. Every read and decompression is capped (limits.ts).
import { open, type FileHandle } from 'node:fs/promises';
import { createFileByteSource, type ByteSource } from './byte-source.js';
import { DEFAULT_MAX_SCAN_BYTES } from './limits.js';
import { ObjectResolver } from './object-resolver.js';
import { countPages } from './page-count.js';
import { readPdfVersion } from './pdf-header.js';
import { PdfError, damaged, isDamaged } from './pdf-error.js';
import { recoverPageCount } from './recover.js';
import { openSecurity } from './security.js';
import { findStartxref } from './startxref.js';
import { readXrefChain } from './xref-chain.js';

/** The error type and its codes, re-exported so callers need only this module. */
export { PdfError, type PdfErrorCode } from './pdf-error.js';

/** What inspection learned about a PDF. */
export interface PdfInfo {
  /** Page tree root /Count (>= 1). */
  pages: number;
  /** From the header, e.g. "1.7". */
  version: string;
  /** The trailer has /Encrypt. */
  encrypted: boolean;
  /** True when the xref was damaged and the bounded scan fallback found the objects. */
  recovered: boolean;
}

/** Options for `inspectPdf`. */
export interface InspectOptions {
  /** Most bytes the recovery scan of a damaged file reads; defaults to DEFAULT_MAX_SCAN_BYTES (1 GiB). */
  maxScanBytes?: number;
}

/** Inspects the PDF at `path` (or an open FileHandle) by random access. */
export async function inspectPdf(file: string | FileHandle, options: InspectOptions = {}): Promise<PdfInfo> {
  const maxScanBytes = options.maxScanBytes ?? DEFAULT_MAX_SCAN_BYTES;
  // A bad option is the caller's bug, not the uploader's, so it is not a PdfError.
  if (!(maxScanBytes >= 0))
    throw new RangeError(`maxScanBytes must be a non-negative number, got ${maxScanBytes}`);
  if (typeof file !== 'string') return inspectHandle(file, maxScanBytes);
  const handle = await open(file, 'r');
  try {
    return await inspectHandle(handle, maxScanBytes);
  } finally {
    await handle.close();
  }
}

async function inspectHandle(handle: FileHandle, maxScanBytes: number): Promise<PdfInfo> {
  const { size } = await handle.stat();
  const source = createFileByteSource(handle, size);
  try {
    return await inspectSource(source, maxScanBytes);
  } catch (error) {
    if (error instanceof PdfError || isSystemError(error)) throw error;
    // A bug must not surface as a TypeError to the uploader; the cause keeps it visible to us.
    throw new PdfError('damaged', damaged('it could not be read').message, { cause: error });
  }
}

function isSystemError(error: unknown): boolean {
  return error instanceof Error && typeof (error as { syscall?: unknown }).syscall === 'string';
}

async function inspectSource(source: ByteSource, maxScanBytes: number): Promise<PdfInfo> {
  const version = await readPdfVersion(source);
  try {
    const { pages, encrypted } = await readByXref(source);
    return { pages, version, encrypted, recovered: false };
  } catch (error) {
    if (!isDamaged(error) && !(error instanceof PdfError && error.code === 'too-complex')) throw error;
    try {
      const { pages, encrypted } = await recoverPageCount(source, maxScanBytes);
      return { pages, version, encrypted, recovered: true };
    } catch (recoveryError) {
      // A file too big for the caps is reported as such, not as damaged, when the scan finds nothing either.
      if (isDamaged(recoveryError) && error.code === 'too-complex') throw error;
      throw recoveryError;
    }
  }
}

async function readByXref(source: ByteSource): Promise<{ pages: number; encrypted: boolean }> {
  const xref = await readXrefChain(source, await findStartxref(source));
  // /Encrypt is never inside an object stream, so a resolver that cannot read them is enough for it.
  const security = await openSecurity(
    new ObjectResolver(source, xref, { encrypted: true, decryptor: null }),
    xref.encrypt,
    xref.id,
  );
  if (xref.root === undefined) throw damaged('its trailer does not name the document catalog');
  const pages = await countPages(new ObjectResolver(source, xref, security), xref.root, source.size);
  return { pages, encrypted: security.encrypted };
}
