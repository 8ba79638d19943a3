import type { ByteSource } from './byte-source.js';
import { readObjectAt } from './indirect-object.js';
import { MAX_RECOVERED_ROOTS, MAX_RECOVERY_DECODED_BYTES } from './limits.js';
import { ObjectResolver, encryptedUnreadable, type Security } from './object-resolver.js';
import { forEachStreamedObject, openObjectStream } from './object-stream.js';
import { countPages } from './page-count.js';
import { PdfError, damaged, isDamaged, tooComplex } from './pdf-error.js';
import { PdfRef, isDict, type PdfDict, type PdfValue } from './pdf-value.js';
import type { RecoveredObjects } from './recovered-objects.js';
import { scanObjects, type ScanResult } from './recovery-scan.js';
import { findTypeMarkers } from './scan-markers.js';
import { openSecurity } from './security.js';
import { readStreamBytes } from './stream-data.js';
import { decodeStream } from './stream-decode.js';
import { parseValue } from './value-parser.js';
import { parseAt } from './windowed-parse.js';

/** What recovery learned: the page count and whether the file is encrypted. */
export interface Recovered {
  pages: number;
  encrypted: boolean;
}

/**
 * Counts pages without trusting the cross-reference data: scans the file for objects, then tries each
 * catalog candidate (trailer /Root entries newest first, then objects marked /Type /Catalog, latest first).
 */
export async function recoverPageCount(source: ByteSource, maxScanBytes: number): Promise<Recovered> {
  const scan = await scanObjects(source, maxScanBytes);
  scan.objects.seal();
  const trailers = await readTrailers(source, scan);
  const roots = trailers.map((t) => t.get('Root')).filter((r): r is PdfRef => r instanceof PdfRef);
  const newest = (key: string): PdfValue | undefined => trailers.find((t) => t.has(key))?.get(key);
  // Until security is known, reading an object stream counts as unreadable; /Encrypt must not be in one.
  const security = await openSecurity(
    new ObjectResolver(source, scan.objects, { encrypted: true, decryptor: null }),
    newest('Encrypt'),
    newest('ID'),
  );

  const streamed = await indexObjectStreams(source, scan, security);
  scan.objects.seal();

  const candidates = [
    ...roots.map((r) => r.num),
    ...scan.catalogs.map((c) => c.num).reverse(),
    ...streamed.catalogs.reverse(),
  ];
  const resolver = new ObjectResolver(source, scan.objects, security);
  let refusal: PdfError | undefined = streamed.unreadable ? encryptedUnreadable() : undefined;
  for (const num of [...new Set(candidates)].slice(0, MAX_RECOVERED_ROOTS)) {
    try {
      return {
        pages: await countPages(resolver, new PdfRef(num, 0), source.size),
        encrypted: security.encrypted,
      };
    } catch (error) {
      // A refusal from one candidate is kept in case no other candidate works; damage just moves us on.
      const refused =
        error instanceof PdfError && (error.code === 'no-pages' || error.code === 'encrypted-unreadable');
      if (refused) refusal ??= error;
      else if (!isDamaged(error)) throw error;
    }
  }
  if (refusal !== undefined) throw refusal;
  const searched = scan.complete ? '' : ` in the first ${formatBytes(maxScanBytes)} searched`;
  throw damaged(
    `its cross-reference table is unreadable and no page tree could be found among its objects${searched}`,
  );
}

async function readTrailers(source: ByteSource, scan: ScanResult): Promise<PdfDict[]> {
  const dicts: PdfDict[] = [];
  const newestFirst = [...scan.trailers].sort((a, b) => b.offset - a.offset);
  for (const trailer of newestFirst) {
    try {
      const value =
        trailer.kind === 'table'
          ? await parseAt(source, trailer.offset, 'a trailer', (lx) => parseValue(lx))
          : (await readObjectAt(source, trailer.offset)).value;
      if (isDict(value)) dicts.push(value);
    } catch (error) {
      if (!(error instanceof PdfError)) throw error; // a broken trailer is one less hint, not a failure
    }
  }
  return dicts;
}

/** Adds every object stored in the scan's object streams to its index; returns the catalogs among them. */
async function indexObjectStreams(
  source: ByteSource,
  scan: ScanResult,
  security: Security,
): Promise<{ catalogs: number[]; unreadable: boolean }> {
  const catalogs: number[] = [];
  let unreadable = false;
  let decoded = 0;
  for (const { num, offset } of scan.objectStreams) {
    if (security.encrypted && security.decryptor === null) {
      unreadable = true;
      break;
    }
    try {
      const object = await readObjectAt(source, offset, num);
      const dict = object.value;
      if (!isDict(dict) || object.streamStart === null) continue;
      const length = await new ObjectResolver(source, scan.objects, security).resolve(dict.get('Length'));
      const what = `object stream ${num}`;
      let stored = await readStreamBytes(
        source,
        object.streamStart,
        typeof length === 'number' ? length : undefined,
        what,
      );
      if (security.decryptor !== null) stored = security.decryptor.decryptStream(num, object.gen, stored);
      const data = decodeStream(dict, stored, what);
      decoded += data.length;
      if (decoded > MAX_RECOVERY_DECODED_BYTES) {
        throw tooComplex(
          `recovering it would mean decompressing more than ${MAX_RECOVERY_DECODED_BYTES / 1024 / 1024} MiB`,
        );
      }
      const stream = openObjectStream(num, dict, data);
      addStreamedObjects(scan.objects, stream, offset, catalogs);
    } catch (error) {
      if (!isDamaged(error)) throw error; // a broken stream loses its objects; the others may suffice
    }
  }
  return { catalogs, unreadable };
}

function addStreamedObjects(
  objects: RecoveredObjects,
  stream: ReturnType<typeof openObjectStream>,
  offset: number,
  catalogs: number[],
): void {
  const starts: { num: number; at: number }[] = [];
  forEachStreamedObject(stream, (num, index, at) => {
    objects.add(num, offset, stream.num, index);
    starts.push({ num, at });
  });
  starts.sort((a, b) => a.at - b.at);
  for (const marker of findTypeMarkers(stream.data, 'Catalog', stream.first, stream.data.length, true)) {
    // The marker belongs to the last object that starts before it.
    const owner = starts.filter((s) => s.at <= marker).at(-1);
    if (owner !== undefined) catalogs.push(owner.num);
  }
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Math.floor(bytes / 1024 / 1024)} MiB`;
  return bytes >= 1024 ? `${Math.floor(bytes / 1024)} KiB` : `${bytes} bytes`;
}
