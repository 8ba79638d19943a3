// A document arriving over IPP becomes a PDF job: decompressed (gzip, deflate), format sniffed when the
// client sent application/octet-stream, PDF stored byte-identical, JPEG/PWG raster/Apple raster converted,
// everything streamed to disk and nothing left behind on failure.
import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
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

/** Errors that arrive while nobody reads a stream must not become uncaught 'error' events (they would stop
 * the process); whoever reads the stream next still sees them through its own listeners. */
const ignore = (): void => undefined;

/**
 * Reads up to `n` bytes from the front of `stream` and puts them back; fewer at the end of the stream.
 * It reads only what is buffered (read(readableLength) never asks past the data), so the end of a short
 * stream is not consumed here: an unshift() after 'end' would lose the bytes.
 */
export async function peek(stream: Readable, n: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  while (length < n && !stream.destroyed && !stream.readableEnded) {
    if (stream.readableLength > 0) {
      const chunk = stream.read(stream.readableLength) as Buffer | null;
      if (chunk === null) break;
      chunks.push(chunk);
      length += chunk.length;
      continue;
    }
    // 'readable' comes when data is buffered, or at the end with nothing buffered.
    await new Promise<void>((resolve) => {
      const done = () => {
        stream.off('readable', done);
        stream.off('error', done);
        stream.off('close', done);
        resolve();
      };
      stream.on('readable', done);
      stream.on('error', done);
      stream.on('close', done);
    });
    if (stream.readableLength === 0) break;
  }
  const head = Buffer.concat(chunks, length);
  if (head.length > 0) stream.unshift(head);
  return head;
}

/** The document as stored bytes, and how to let go of the decompressor when the job is refused. */
interface Decompressed {
  source: Readable;
  /** Stops feeding the decompressor, so that the request can be drained for the answer. */
  release(): void;
}

async function decompress(body: Readable, compression: string): Promise<Decompressed> {
  if (compression === 'none') return { source: body, release: ignore };
  let inflater;
  if (compression === 'gzip') inflater = createGunzip();
  else {
    // IPP "deflate" is RFC 1951; some clients send the zlib wrapper (RFC 1950) as HTTP does: take both.
    const [b0 = 0, b1 = 0] = await peek(body, 2);
    const zlibWrapped = (b0 & 0x0f) === 8 && (b0 * 256 + b1) % 31 === 0;
    inflater = zlibWrapped ? createInflate() : createInflateRaw();
  }
  inflater.on('error', ignore);
  // pipe(), not pipeline(): a refusal must not destroy the request, the client still gets an answer.
  const onBodyError = (err: Error) => inflater.destroy(err);
  body.on('error', onBodyError);
  body.pipe(inflater);
  return {
    source: inflater,
    release() {
      body.unpipe(inflater);
      body.off('error', onBodyError);
      inflater.destroy();
    },
  };
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
  body.on('error', ignore);
  let decompressed: Decompressed = { source: body, release: ignore };
  let format = request.format;
  try {
    decompressed = await decompress(body, request.compression);
    if (format === 'application/octet-stream') {
      const sniffed = sniffFormat(await peek(decompressed.source, 1024));
      if (!sniffed) {
        throw new IntakeError(
          'client-error-document-format-not-supported',
          'The document is not a PDF, JPEG, PWG raster or Apple raster file; print it as PDF.',
        );
      }
      format = sniffed;
    }
  } catch (err) {
    decompressed.release();
    fail(err);
  }
  const { source } = decompressed;
  const draft = await store.createDraft(request.maxBytes).catch((err: unknown) => {
    decompressed.release();
    return fail(err);
  });
  try {
    // The source may have failed while the draft was being opened (a corrupt or empty deflate stream).
    if (source.errored) throw source.errored;
    if (format === 'application/pdf') {
      // finished(), not once('end'): it also settles for a stream that ended or failed before this line.
      const done = Promise.all([finished(draft.stream), finished(source)]);
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
    decompressed.release();
    await draft.abort();
    fail(err);
  }
  try {
    return await commitPdfDraft(store, draft, request.job);
  } catch (err) {
    fail(err);
  }
}
