// The two routes of the MFP job server: the ticket user's waiting jobs, and a job's PDF streamed from the
// spool (one byte range at a time when asked). Both only read: a printed job is reported to the cloud
// server, which logs it and tells the desktop (README, "MFP job server").
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../log/logger.js';
import { SpoolError } from '../spool/errors.js';
import type { JobStore } from '../spool/job-store.js';
import { decideRange } from './byte-range.js';
import { sendFileRange } from './document-stream.js';
import type { JobListCache } from './job-list-cache.js';
import { isVisibleTo } from './job-visibility.js';
import { DOCUMENT_UNAVAILABLE, JOB_NOT_FOUND, refuse } from './responses.js';
import type { TicketGrant } from './ticket.js';

/** Error codes of a transfer the client ended (a cancel at the MFP): normal, not worth a log line. */
const CLIENT_GONE = new Set(['ERR_STREAM_PREMATURE_CLOSE', 'ERR_STREAM_DESTROYED', 'ECONNRESET', 'EPIPE']);

/** What the routes need. */
export interface JobsRoutesDeps {
  store: JobStore;
  log: Logger;
  lists: JobListCache;
}

/** True when an If-None-Match header names `etag` or is `*` (weak comparison, RFC 9110, 13.1.2). */
export function noneMatchHits(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}

/**
 * `GET|HEAD /v1/jobs`: `{ jobs: [Job] }`, newest first, with an ETag; an MFP that still holds that list
 * (If-None-Match) gets 304 and no body.
 */
export function listJobs(
  deps: JobsRoutesDeps,
  req: IncomingMessage,
  res: ServerResponse,
  grant: TicketGrant,
): void {
  const { body, etag } = deps.lists.get(grant);
  res.setHeader('etag', etag);
  if (noneMatchHits(req.headers['if-none-match'], etag)) {
    res.statusCode = 304;
    res.end();
    return;
  }
  res.statusCode = 200;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('content-length', body.length);
  res.end(req.method === 'HEAD' ? undefined : body);
}

/** `GET|HEAD /v1/jobs/:id/document`: the stored PDF, or the one byte range asked for. */
export async function sendDocument(
  deps: JobsRoutesDeps,
  req: IncomingMessage,
  res: ServerResponse,
  grant: TicketGrant,
  id: string,
): Promise<void> {
  const head = req.method === 'HEAD';
  const record = deps.store.getRecord(id);
  if (!record || !isVisibleTo(record, grant)) return refuse(res, JOB_NOT_FOUND, head);
  let opened;
  try {
    opened = await deps.store.openDocument(id);
  } catch (err) {
    if (err instanceof SpoolError && err.code === 'not-found') return refuse(res, JOB_NOT_FOUND, head);
    deps.log.warn('an MFP asked for a document that cannot be read', { job: id, error: err });
    return refuse(res, DOCUMENT_UNAVAILABLE, head);
  }
  const { handle, size } = opened;
  try {
    const etag = `"${record.sha256}"`;
    const ifRange = req.headers['if-range'];
    // If-Range: a resumed download of a document that changed gets the whole new one (RFC 9110, 13.1.5).
    const rangeHeader = ifRange === undefined || ifRange === etag ? req.headers.range : undefined;
    const range = decideRange(rangeHeader, size);
    res.setHeader('accept-ranges', 'bytes');
    res.setHeader('etag', etag);
    if (range.kind === 'unsatisfiable') {
      res.setHeader('content-range', `bytes */${size}`);
      return refuse(
        res,
        {
          status: 416,
          error: 'range-not-satisfiable',
          message: `The range asked for is outside the document of ${size} bytes.`,
        },
        head,
      );
    }
    const start = range.kind === 'partial' ? range.start : 0;
    const end = range.kind === 'partial' ? range.end : size - 1;
    res.statusCode = range.kind === 'partial' ? 206 : 200;
    if (range.kind === 'partial') res.setHeader('content-range', `bytes ${start}-${end}/${size}`);
    res.setHeader('content-type', 'application/pdf');
    res.setHeader('content-length', end - start + 1);
    // The file name is our id, never the job name an application chose.
    res.setHeader('content-disposition', `attachment; filename="${record.id}.pdf"`);
    if (head || size === 0) {
      res.end();
      return;
    }
    deps.log.info('an MFP fetches a document', { job: id, mfp: grant.mfp, start, end, size });
    await sendFileRange(handle, res, start, end).catch((err: unknown) => {
      // A client that goes away mid-document is normal (a cancel at the MFP); anything else is worth a line.
      const code = (err as { code?: string }).code ?? '';
      if (!CLIENT_GONE.has(code))
        deps.log.warn('a document transfer to an MFP failed', { job: id, error: err });
      res.destroy();
    });
  } finally {
    await handle.close();
  }
}
