// Control API calls the end-to-end tests share: upload with hooks on the wire, list every page, download and
// hash a document, and stop a child spooler for sure.
import { createHash } from 'node:crypto';
import { request } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import type { ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';
import type { Job } from '../../main/spool/job.js';
import { send } from './http.js';

/** An answer to an upload. */
export interface UploadResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  json<T = Record<string, unknown>>(): T;
}

/** What to upload, and hooks on the request's progress. */
export interface UploadRequest {
  port: number;
  token: string;
  body: Buffer | Readable;
  /** Raw query value of `name` (already percent-encoded), or undefined for none. */
  rawName?: string;
  /** Required when `body` is a stream (sent as Content-Length). */
  contentLength?: number;
  /** Called once the whole body was handed to the socket. */
  onBodySent?: () => void;
}

/**
 * POSTs a document to `/v1/jobs`. Resolves with the answer even when the server answers before the body is
 * all sent (a refusal) and the rest of the body then cannot be written; rejects only when no answer came.
 */
export function uploadDocument(req: UploadRequest): Promise<UploadResponse> {
  return new Promise((resolve, reject) => {
    const length = Buffer.isBuffer(req.body) ? req.body.length : req.contentLength;
    const headers: Record<string, string> = {
      host: `127.0.0.1:${req.port}`,
      authorization: `Bearer ${req.token}`,
      'content-type': 'application/pdf',
    };
    if (length !== undefined) headers['content-length'] = String(length);
    const path = req.rawName === undefined ? '/v1/jobs' : `/v1/jobs?name=${req.rawName}`;
    let answered = false;
    const r = request(
      { host: '127.0.0.1', port: req.port, method: 'POST', path, headers, setHost: false, agent: false },
      (res) => {
        answered = true;
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body,
            json: <T>() => JSON.parse(body.toString('utf8')) as T,
          });
        });
        res.on('error', reject);
      },
    );
    r.on('error', (err) => {
      if (!answered) reject(err);
    });
    r.on('finish', () => req.onBodySent?.());
    if (Buffer.isBuffer(req.body)) r.end(req.body);
    else {
      req.body.on('error', (err) => r.destroy(err));
      req.body.pipe(r);
    }
  });
}

/** Every job, newest first, paging with `limit`; also the number of pages read. */
export async function listAllJobs(
  port: number,
  token: string,
  limit = 500,
): Promise<{ jobs: Job[]; pages: number }> {
  const jobs: Job[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const path: string = `/v1/jobs?limit=${limit}${cursor === null ? '' : `&cursor=${cursor}`}`;
    const res = await send({ port, path, token });
    if (res.status !== 200)
      throw new Error(`GET ${path} answered ${res.status}: ${res.body.toString('utf8')}`);
    const page = res.json<{ jobs: Job[]; next: string | null }>();
    if (page.jobs.length > limit)
      throw new Error(`GET ${path} returned ${page.jobs.length} jobs, over the limit`);
    jobs.push(...page.jobs);
    cursor = page.next;
    if (++pages > 100_000) throw new Error('paging does not end');
  } while (cursor !== null);
  return { jobs, pages };
}

/** A downloaded document, hashed. */
export interface Download {
  status: number;
  size: number;
  sha256: string;
  contentLength: number | null;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** GETs `/v1/jobs/:id/document` and hashes what came. */
export async function downloadDocument(port: number, token: string, id: string): Promise<Download> {
  const res = await send({ port, path: `/v1/jobs/${id}/document`, token });
  const declared = res.headers['content-length'];
  return {
    status: res.status,
    size: res.body.length,
    sha256: createHash('sha256').update(res.body).digest('hex'),
    contentLength: declared === undefined ? null : Number(declared),
    headers: res.headers,
    body: res.body,
  };
}

/** True while the child has neither exited nor been killed. */
export function isRunning(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

/** Kills a child with SIGKILL (if still running) and waits for it to be gone. */
export async function killChild(child: ChildProcess, exited: Promise<number | string>): Promise<void> {
  if (isRunning(child)) child.kill('SIGKILL');
  await exited;
}
