// The one way a PDF becomes a job, shared by the control API, the hot folder and (wrapped) the IPP printer:
// stream into a draft, count the pages by random access, commit. Nothing is left behind on failure.
import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { PdfError, inspectPdf } from '../pdf/inspect.js';
import { SpoolError } from '../spool/errors.js';
import type { Draft } from '../spool/draft.js';
import type { JobStore, NewJob } from '../spool/job-store.js';
import type { Job } from '../spool/job.js';

/** Why a document was refused; `kind` tells the protocol layer which status to answer. */
export class IngestError extends Error {
  readonly kind: 'not-pdf' | 'bad-pdf' | 'too-large' | 'disk-full' | 'storage' | 'unavailable' | 'aborted';
  constructor(kind: IngestError['kind'], message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'IngestError';
    this.kind = kind;
  }
}

/** Maps any failure of the ingest path to an IngestError with a message a person can act on. */
export function toIngestError(err: unknown): IngestError {
  if (err instanceof IngestError) return err;
  if (err instanceof PdfError) {
    return new IngestError(err.code === 'not-pdf' ? 'not-pdf' : 'bad-pdf', err.message, { cause: err });
  }
  if (err instanceof SpoolError) {
    const kind =
      err.code === 'too-large'
        ? 'too-large'
        : err.code === 'disk-full'
          ? 'disk-full'
          : err.code === 'closed'
            ? 'unavailable'
            : 'storage';
    return new IngestError(kind, err.message, { cause: err });
  }
  const code = (err as { code?: string } | null)?.code;
  if (code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE' || code === 'ABORT_ERR') {
    return new IngestError(
      'aborted',
      'The upload was interrupted before the whole document arrived; nothing was kept.',
      {
        cause: err,
      },
    );
  }
  return new IngestError('storage', 'The document could not be stored; nothing was kept, try again.', {
    cause: err,
  });
}

/** Checks a finished draft is a readable PDF and commits it as a job. Aborts the draft on any failure. */
export async function commitPdfDraft(
  store: JobStore,
  draft: Draft,
  job: Omit<NewJob, 'pages'>,
): Promise<Job> {
  try {
    await draft.finish();
    const info = await inspectPdf(draft.path);
    return await store.commit(draft, { ...job, pages: info.pages });
  } catch (err) {
    await draft.abort();
    throw toIngestError(err);
  }
}

/** Streams `source` into the spool as a new PDF job. */
export async function ingestPdf(
  store: JobStore,
  source: Readable,
  job: Omit<NewJob, 'pages'>,
  maxBytes: number,
): Promise<Job> {
  let draft: Draft;
  try {
    draft = await store.createDraft(maxBytes);
  } catch (err) {
    source.resume();
    throw toIngestError(err);
  }
  try {
    // Not stream.pipeline: it would destroy the source on a refusal, and the HTTP layer still has to answer
    // (413) on that connection. The source is left paused; its owner decides whether to drain or close it.
    const written = finished(draft.stream);
    const read = finished(source);
    source.pipe(draft.stream);
    await Promise.all([written, read]);
  } catch (err) {
    source.unpipe(draft.stream);
    await draft.abort();
    throw toIngestError(err);
  }
  return commitPdfDraft(store, draft, job);
}
