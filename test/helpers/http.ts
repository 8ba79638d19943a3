// A raw HTTP client for tests: full control over Host, Origin and the body (fetch forbids setting Host).
import { request } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';

/** A response with its whole body. */
export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  json<T = Record<string, unknown>>(): T;
}

/** What to send. `host: null` sends no Host header at all. */
export interface RawRequest {
  port: number;
  method?: string;
  path: string;
  headers?: Record<string, string>;
  host?: string | null;
  token?: string;
  body?: Buffer | string | Readable;
}

/** Sends one request on a fresh connection and collects the answer. */
export function send(req: RawRequest): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...req.headers };
    if (req.token) headers.authorization = `Bearer ${req.token}`;
    if (req.host !== null) headers.host = req.host ?? `127.0.0.1:${req.port}`;
    const r = request(
      {
        host: '127.0.0.1',
        port: req.port,
        method: req.method ?? 'GET',
        path: req.path,
        headers,
        setHost: false,
        agent: false,
      },
      (res) => {
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
    r.on('error', reject);
    const body = req.body;
    if (body === undefined) r.end();
    else if (typeof body === 'string' || Buffer.isBuffer(body)) r.end(body);
    else body.pipe(r);
  });
}
