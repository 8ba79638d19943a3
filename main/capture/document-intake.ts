// A document arriving over IPP becomes a PDF job: decompressed (gzip, deflate), format sniffed when the
// client sent application/octet-stream, PDF stored byte-identical, JPEG/PWG raster/Apple raster converted,
// everything streamed to disk and nothing left behind on failure.
import { once } from 'node:events';
import type { Readable } from 'node:stream';
import { createGunzip, createInflate, createInflateRaw } from 'node:zlib';
import { ConversionError, convertToPdf, sniffFormat } from '../convert/index.js';
import type { ConvertibleFormat, PaperSize } from '../convert/index.js';
import type { StatusKeyword } from '../ipp/index.js';
import type { JobStore, NewJob } from '../spool/job-store.js';
import type { Job } from '../spool/job.js';
import type { IngestError } from './ingest-pdf.js';
import { commitPdfDraft, toIngestError } from './ingest-pdf.js';

/** Why a document was refused, with the IPP status to answer. */
export class IntakeError extends Error {
  constructor(
    readonly status: StatusKeyword,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'IntakeError';
  }
}

const INGEST_STATUS: Record<IngestError['kind'], StatusKeyword> = {
  'not-pdf': 'client-error-document-format-error',
  'bad-pdf': 'client-error-document-format-error',
  'too-large': 'client-error-request-entity-too-large',
  'disk-full': 'server-error-temporary-error',
  storage: 'server-error-internal-error',
  unavailable: 'server-error-service-unavailable',
  aborted: 'client-error-bad-request',
};

/** Reads up to `n` bytes from the front of `stream` and puts them back; fewer at the end of the stream. */
export async function peek(stream: Readable, n: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  while (length < n) {
    const chunk = stream.read() as Buffer | null;
    if (chunk !== null) {
      chunks.push(chunk);
      length += chunk.length;
      continue;
    }
    if (stream.readableEnded || stream.destroyed) break;
    const ac = new AbortController();
    const ended = await Promise.race([
      once(stream, 'readable', { signal: ac.signal }).then(() => false),
      once(stream, 'end', { signal: ac.signal }).then(() => true),
    ]).finally(() => ac.abort());
    if (ended) break;
  }
  const head = Buffer.concat(chunks, length);
  if (head.length > 0) stream.unshift(head);
  return head;
}

async function decompress(body: Readable, compression: string): Promise<Readable> {
  if (compression === 'none') return body;
  let inflater;
  if (compression === 'gzip') inflater = createGunzip();
  else {
    // IPP "deflate" is RFC 1951; some clients send the zlib wrapper (RFC 1950) as HTTP does: take both.
    const head = await peek(body, 2);
    const [b0 = 0, b1 = 0] = head;
    const zlibWrapped = head.length === 2 && (b0 & 0x0f) === 8 && (b0 * 256 + b1) % 31 === 0;
    inflater = zlibWrapped ? createInflate() : createInflateRaw();
  }
  // pipe(), not pipeline(): a refusal must not destroy the request, the client still gets an answer.
  body.pipe(inflater);
  body.on('error', (err) => inflater.destroy(err));
  return inflater;
}

function fail(err: unknown): never {
  if (err instanceof IntakeError) throw err;
  if (err instanceof ConversionError) {
    throw new IntakeError(
      err.code === 'too-large'
        ? 'client-error-request-entity-too-large'
        : 'client-error-document-format-error',
      err.message,
      { cause: err },
    );
  }
  const code = (err as { code?: string } | null)?.code ?? '';
  if (code.startsWith('Z_') || code === 'ERR_ZLIB_INITIALIZATION_FAILED') {
    throw new IntakeError(
      'client-error-compression-error',
      'The compressed document could not be decompressed.',
      {
        cause: err,
      },
    );
  }
  const ingest = toIngestError(err);
  throw new IntakeError(INGEST_STATUS[ingest.kind], ingest.message, { cause: err });
}

/** What the printer knows about the document. */
export interface IntakeRequest {
  /** "document-format" as sent (default application/octet-stream). */
  format: string;
  /** "compression": none, gzip or deflate. */
  compression: string;
  maxBytes: number;
  job: Omit<NewJob, 'pages'>;
  /** The job's paper, for photos (JPEG): the requested media, else the printer's default. */
  paper?: PaperSize;
}

/** Streams `body` into the spool as a PDF job. Throws IntakeError with the status to answer. */
export async function intakeDocument(store: JobStore, body: Readable, request: IntakeRequest): Promise<Job> {
  let source: Readable;
  let format: string;
  try {
    source = await decompress(body, request.compression);
    format = request.format;
    if (format === 'application/octet-stream') {
      const sniffed = sniffFormat(await peek(source, 1024));
      if (!sniffed) {
        throw new IntakeError(
          'client-error-document-format-not-supported',
          'The document is not a PDF, JPEG, PWG raster or Apple raster file; print it as PDF.',
        );
      }
      format = sniffed;
    }
  } catch (err) {
    fail(err);
  }
  const draft = await store.createDraft(request.maxBytes).catch(fail);
  try {
    if (format === 'application/pdf') {
      const done = Promise.all([once(draft.stream, 'finish'), once(source, 'end')]);
      source.on('error', (e) => draft.stream.destroy(e));
      source.pipe(draft.stream);
      await done;
    } else {
      await convertToPdf(
        format as ConvertibleFormat,
        source,
        draft.stream,
        { maxInputBytes: request.maxBytes },
        request.paper ? { paper: request.paper } : {},
      );
    }
  } catch (err) {
    source.unpipe(draft.stream);
    await draft.abort();
    fail(err);
  }
  try {
    return await commitPdfDraft(store, draft, request.job);
  } catch (err) {
    fail(err);
  }
}
