// The cloud server's job routes the desktop calls (server-stub/README.md): register a job, upload a cloud
// job's document, list the user's printed jobs. Each call needs the user's session (`Authorization: Bearer`)
// and, for register and upload, this desktop's device token (`CPS-Device`). Every failure is a JobsApiError
// whose kind says what the outbox does next: try again later, stop until the next login, or give up the job.
import type { FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { CloudHttpError } from './http-client.js';
import type { CloudHttpClient, CloudResponse } from './http-client.js';

/** What a failure means for the caller. */
export type JobsApiErrorKind =
  /** The server is unreachable, slow or failed (5xx, 429, network): try again later. */
  | 'transient'
  /** 401: the session (or the device token) is no longer accepted: stop until the next login. */
  | 'unauthorized'
  /** Another 4xx: the server will never accept this job as it is; `message` says why. */
  | 'refused';

/** A job call failed. */
export class JobsApiError extends Error {
  constructor(
    readonly kind: JobsApiErrorKind,
    message: string,
    readonly status: number | null = null,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'JobsApiError';
  }
}

/** Who calls: the session and the desktop. */
export interface JobsApiAuth {
  token: string;
  deviceToken: string;
}

/** The server's view of a job, as far as the desktop needs it. */
export interface ServerJob {
  id: string;
  clientJobId: string;
  desktopId: string;
  spool: 'local' | 'cloud';
  state: string;
}

/** POST /api/v1/jobs body. */
export interface RegisterJob {
  clientJobId: string;
  spool: 'local' | 'cloud';
  name: string;
  pages: number;
  size: number;
  sha256: string;
  options: { copies: number; sides: string; colorMode: string; media: string };
  location?: string;
  certSha256?: string;
}

/**
 * A document to upload: an open file with its size (what JobStore.openDocument gives; read in big pieces and
 * sent with its length), or any stream (sent chunked, as it comes).
 */
export type UploadBody = { handle: FileHandle; size: number } | Readable;

/**
 * Bytes per read of an uploaded file. A file stream's 64 KiB reads, sent chunked, cost the client 2.4 times
 * the CPU per byte (3.6 s/GB against 1.5, test/bench/cloud-upload-bench.ts): then the client, not the server
 * or the disk, limits the upload.
 */
export const UPLOAD_READ_BYTES = 1024 * 1024;

/**
 * The file's first `size` bytes in pieces of UPLOAD_READ_BYTES. Reads through the caller's handle, which stays
 * the caller's to close (a file stream would close it when destroyed); a file shorter than `size` fails.
 */
async function* filePieces(handle: FileHandle, size: number): AsyncGenerator<Buffer> {
  let position = 0;
  while (position < size) {
    const length = Math.min(UPLOAD_READ_BYTES, size - position);
    // A new buffer per piece: the socket may still hold the previous one.
    const buffer = Buffer.allocUnsafeSlow(length);
    const { bytesRead } = await handle.read(buffer, 0, length, position);
    if (bytesRead === 0) throw new Error(`The document ended after ${position} of its ${size} bytes.`);
    position += bytesRead;
    yield bytesRead === length ? buffer : buffer.subarray(0, bytesRead);
  }
}

/** The request body of an upload, with a Content-Length when the size is known. */
function uploadRequestBody(body: UploadBody): { body: Readable; headers: Record<string, string> } {
  if (!('handle' in body)) return { body, headers: {} };
  return {
    // Two pieces read ahead: the next piece is read while the socket drains the last one.
    body: Readable.from(filePieces(body.handle, body.size), {
      objectMode: false,
      highWaterMark: 2 * UPLOAD_READ_BYTES,
    }),
    headers: { 'content-length': String(body.size) },
  };
}

/** The calls. */
export interface JobsApi {
  register(auth: JobsApiAuth, job: RegisterJob, signal?: AbortSignal): Promise<ServerJob>;
  /**
   * Streams the document; resolves with the job once the server answered 200 (it holds the whole PDF). A
   * file handle is not closed here.
   */
  upload(auth: JobsApiAuth, serverJobId: string, body: UploadBody, signal?: AbortSignal): Promise<ServerJob>;
  /** The user's jobs in one server state. */
  list(token: string, state: string, signal?: AbortSignal): Promise<ServerJob[]>;
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

function toServerJob(value: unknown): ServerJob | null {
  const o = record(value);
  if (
    typeof o.id !== 'string' ||
    typeof o.clientJobId !== 'string' ||
    typeof o.desktopId !== 'string' ||
    (o.spool !== 'local' && o.spool !== 'cloud') ||
    typeof o.state !== 'string'
  )
    return null;
  return { id: o.id, clientJobId: o.clientJobId, desktopId: o.desktopId, spool: o.spool, state: o.state };
}

/** Creates the calls over the one HTTP client; `serverUrl` is only for messages. */
export function createJobsApi(http: CloudHttpClient, serverUrl: string): JobsApi {
  async function send(what: string, req: Parameters<CloudHttpClient['request']>[0]): Promise<CloudResponse> {
    try {
      return await http.request(req);
    } catch (err) {
      if (err instanceof CloudHttpError)
        throw new JobsApiError('transient', `${what} failed: ${err.message}`, null, { cause: err });
      if (req.signal?.aborted) throw err;
      // A stream error of our own document, a socket torn down mid-body: worth another try.
      throw new JobsApiError('transient', `${what} failed: ${(err as Error).message}`, null, { cause: err });
    }
  }

  /** The answer's JSON; a non-2xx answer becomes the JobsApiError its status means. */
  async function answer(what: string, res: CloudResponse, ok: number[]): Promise<Record<string, unknown>> {
    let body: Record<string, unknown> = {};
    let parsed = true;
    try {
      body = record(await res.body.json());
    } catch {
      parsed = false;
    }
    if (ok.includes(res.status)) {
      if (!parsed)
        throw new JobsApiError(
          'transient',
          `The cloud server ${serverUrl} sent an answer to ${what} that is not JSON.`,
          res.status,
        );
      return body;
    }
    const detail =
      typeof body.message === 'string' ? `: ${body.message.replace(/\.$/, '').slice(0, 300)}` : '';
    const message = `The cloud server ${serverUrl} answered ${res.status} to ${what}${detail}.`;
    if (res.status === 401) throw new JobsApiError('unauthorized', message, res.status);
    if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429)
      throw new JobsApiError('refused', message, res.status);
    throw new JobsApiError('transient', message, res.status);
  }

  const desktop = (auth: JobsApiAuth) => ({
    authorization: `Bearer ${auth.token}`,
    'cps-device': auth.deviceToken,
  });

  function job(what: string, value: unknown, status: number): ServerJob {
    const out = toServerJob(value);
    if (!out)
      throw new JobsApiError(
        'transient',
        `The cloud server ${serverUrl} did not describe the job in its answer to ${what}.`,
        status,
      );
    return out;
  }

  return {
    async register(auth, body, signal) {
      const what = 'the registration of a job';
      const res = await send('Registering a job', {
        method: 'POST',
        path: '/api/v1/jobs',
        headers: { ...desktop(auth), 'content-type': 'application/json' },
        body: JSON.stringify(body),
        ...(signal ? { signal } : {}),
      });
      return job(what, await answer(what, res, [200, 201]), res.status);
    },

    async upload(auth, serverJobId, document, signal) {
      const what = 'the upload of a document';
      const { body, headers } = uploadRequestBody(document);
      const res = await send('Uploading a document', {
        method: 'PUT',
        path: `/api/v1/jobs/${encodeURIComponent(serverJobId)}/document`,
        headers: { ...desktop(auth), 'content-type': 'application/pdf', ...headers },
        body,
        ...(signal ? { signal } : {}),
      });
      return job(what, await answer(what, res, [200]), res.status);
    },

    async list(token, state, signal) {
      const what = 'the list of jobs';
      const res = await send('Listing the jobs', {
        method: 'GET',
        path: `/api/v1/jobs?state=${encodeURIComponent(state)}`,
        headers: { authorization: `Bearer ${token}` },
        ...(signal ? { signal } : {}),
      });
      const jobs = (await answer(what, res, [200])).jobs;
      return (Array.isArray(jobs) ? jobs : []).map(toServerJob).filter((j): j is ServerJob => j !== null);
    },
  };
}
