// The two routes of the MFP job server: the ticket user's waiting jobs, and a job's PDF streamed from the
// spool (one byte range at a time when asked). Both only read: a printed job is reported to the cloud
// server, which logs it and tells the desktop (README, "MFP job server").
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import type { Logger } from '../log/logger.js';
import { SpoolError } from '../spool/errors.js';
import type { JobStore } from '../spool/job-store.js';
import { toJob } from '../spool/job-record.js';
import { decideRange } from './byte-range.js';
import { isVisibleTo } from './job-visibility.js';
import { DOCUMENT_UNAVAILABLE, JOB_NOT_FOUND, refuse, sendJson } from './responses.js';
import type { TicketGrant } from './ticket.js';

/** Read size of document streams: large reads keep the disk and the socket busy with few syscalls. */
const READ_CHUNK_BYTES = 256 * 1024;

/** What the routes need. */
export interface JobsRoutesDeps {
  store: JobStore;
  log: Logger;
}

/** `GET /v1/jobs`: `{ jobs: [Job] }`, newest first. */
export function listJobs(deps: JobsRoutesDeps, res: ServerResponse, grant: TicketGrant, head: boolean): void {
  const records = [...deps.store.records()].filter((r) => isVisibleTo(r, grant));
  // Ids sort by creation time, so the newest first is the ids in descending order.
  records.sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  sendJson(res, 200, { jobs: records.map(toJob) }, head);
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
  let streaming = false;
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
    streaming = true;
    // The stream owns the handle from here and closes it however the transfer ends.
    const stream = handle.createReadStream({ start, end, highWaterMark: READ_CHUNK_BYTES });
    await pipeline(stream, res).catch((err: unknown) => {
      // A client that goes away mid-document is normal (a cancel at the MFP); anything else is worth a line.
      const code = (err as { code?: string }).code;
      if (code !== 'ERR_STREAM_PREMATURE_CLOSE' && code !== 'ECONNRESET' && code !== 'EPIPE')
        deps.log.warn('a document transfer to an MFP failed', { job: id, error: err });
      res.destroy();
    });
  } finally {
    if (!streaming) await handle.close();
  }
}
