import type { ByteSource } from './byte-source.js';
import { MAX_RECOVERED_ROOTS, MAX_RECOVERED_STREAMS, SCAN_CHUNK_BYTES } from './limits.js';
import { tooComplex } from './pdf-error.js';
import { RecoveredObjects } from './recovered-objects.js';
import {
  CONTEXT_AFTER,
  CONTEXT_BEFORE,
  findKeyword,
  findObjectHeaders,
  findTypeMarkers,
} from './scan-markers.js';

/** An object the scan saw: its number and the offset of its `N G obj` header. */
export interface ScannedObject {
  num: number;
  offset: number;
}

/** What one pass over a damaged file found. */
export interface ScanResult {
  objects: RecoveredObjects;
  /** Objects with /Type /Catalog, oldest first (the latest MAX_RECOVERED_ROOTS). */
  catalogs: ScannedObject[];
  /** Objects with /Type /ObjStm, oldest first. */
  objectStreams: ScannedObject[];
  /** Trailer dictionaries: classic ones (offset just after `trailer`) and /Type /XRef stream objects. */
  trailers: { offset: number; kind: 'table' | 'stream' }[];
  /** False when maxScanBytes stopped the scan before the end of the file. */
  complete: boolean;
}

type Hit =
  | { at: number; kind: 'header'; num: number; start: number }
  | { at: number; kind: 'Catalog' | 'ObjStm' | 'XRef' | 'trailer' };

/**
 * Reads the file once, SCAN_CHUNK_BYTES at a time (each window overlapping its neighbours by a few bytes so
 * that nothing is missed at a seam), recording every `N G obj` header and the markers recovery needs.
 */
export async function scanObjects(source: ByteSource, maxScanBytes: number): Promise<ScanResult> {
  const limit = Math.min(source.size, Math.max(0, maxScanBytes));
  const result: ScanResult = {
    objects: new RecoveredObjects(),
    catalogs: [],
    objectStreams: [],
    trailers: [],
    complete: limit >= source.size,
  };
  let current: ScannedObject | undefined;
  const keepLatest = <T>(list: T[], item: T): void => {
    list.push(item);
    if (list.length > MAX_RECOVERED_ROOTS) list.shift();
  };

  // One buffer for the whole pass, so that memory does not churn with the file size.
  const buffer = Buffer.alloc(CONTEXT_BEFORE + SCAN_CHUNK_BYTES + CONTEXT_AFTER);
  for (let accept = 0; accept < limit; accept += SCAN_CHUNK_BYTES) {
    const acceptEnd = Math.min(limit, accept + SCAN_CHUNK_BYTES);
    const readStart = Math.max(0, accept - CONTEXT_BEFORE);
    const window = await source.readInto(
      buffer.subarray(0, acceptEnd + CONTEXT_AFTER - readStart),
      readStart,
    );
    const from = accept - readStart;
    const to = acceptEnd - readStart;
    const atStart = readStart === 0;
    const atEnd = readStart + window.length >= source.size;
    const hits: Hit[] = [
      ...findObjectHeaders(window, from, to, atStart, atEnd).map((h) => ({ ...h, kind: 'header' as const })),
      ...(['Catalog', 'ObjStm', 'XRef'] as const).flatMap((kind) =>
        findTypeMarkers(window, kind, from, to, atEnd).map((at) => ({ at, kind })),
      ),
      ...findKeyword(window, 'trailer', from, to, atStart, atEnd).map((at) => ({
        at,
        kind: 'trailer' as const,
      })),
    ].sort((a, b) => a.at - b.at);

    for (const hit of hits) {
      if (hit.kind === 'header') {
        current = { num: hit.num, offset: readStart + hit.start };
        result.objects.add(current.num, current.offset);
      } else if (hit.kind === 'trailer') {
        keepLatest(result.trailers, { offset: readStart + hit.at, kind: 'table' });
      } else if (current !== undefined) {
        // A marker belongs to the object whose header came last.
        if (hit.kind === 'Catalog') keepLatest(result.catalogs, current);
        else if (hit.kind === 'XRef') keepLatest(result.trailers, { offset: current.offset, kind: 'stream' });
        else if (result.objectStreams.at(-1) !== current) {
          if (result.objectStreams.length >= MAX_RECOVERED_STREAMS) {
            throw tooComplex(
              `recovering it would mean opening more than ${MAX_RECOVERED_STREAMS} object streams`,
            );
          }
          result.objectStreams.push(current);
        }
      }
    }
  }
  return result;
}
