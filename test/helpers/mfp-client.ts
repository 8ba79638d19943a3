// An MFP for tests: requests to the MFP job server over HTTPS with the certificate pinned to the SHA-256 the
// server handed out (no CA, no name check: exactly what a pinning MFP does), or over plain HTTP. The body can
// be collected or only hashed and counted (large documents at flat memory).
import { createHash } from 'node:crypto';
import { request } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import type { Duplex } from 'node:stream';
import { connect } from 'node:tls';

/** What the MFP sends. */
export interface MfpRequest {
  /** The desktop's address (default 127.0.0.1). */
  hostname?: string;
  port: number;
  path: string;
  method?: string;
  /** Lowercase hex SHA-256 of the certificate to accept; null speaks plain HTTP. */
  pin: string | null;
  ticket?: string;
  headers?: Record<string, string>;
  /** The Host header; default `127.0.0.1:PORT`; null sends none. */
  host?: string | null;
  /** Only hash the body instead of keeping it. */
  discardBody?: boolean;
}

/** What it got back. */
export interface MfpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** Bytes received and their SHA-256 (hex), kept or not. */
  bytes: number;
  sha256: string;
  /** SHA-256 (hex) of the certificate the server presented; null over plain HTTP. */
  peerSha256: string | null;
  json<T = Record<string, unknown>>(): T;
}

/** The certificate did not match the pin; the request was never sent. */
export class PinMismatchError extends Error {}

/** Sends one request on a fresh connection. */
export function mfpRequest(req: MfpRequest): Promise<MfpResponse> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...req.headers };
    if (req.ticket !== undefined) headers.authorization = `Bearer ${req.ticket}`;
    const hostname = req.hostname ?? '127.0.0.1';
    if (req.host !== null)
      headers.host = req.host ?? `${hostname.includes(':') ? `[${hostname}]` : hostname}:${req.port}`;
    let peerSha256: string | null = null;
    const pin = req.pin;
    const r = request(
      {
        host: hostname,
        port: req.port,
        method: req.method ?? 'GET',
        path: req.path,
        headers,
        setHost: false,
        // A fresh connection each time: `agent: false` for plain HTTP; with a pin, no agent at all, since only
        // then does node:http use createConnection.
        ...(pin === null
          ? { agent: false }
          : {
              // The request is written only after the handshake and the pin check succeeded.
              createConnection: (_opts: unknown, done: (err: Error | null, socket: Duplex) => void) => {
                const socket = connect({ host: hostname, port: req.port, rejectUnauthorized: false });
                socket.once('error', (err) => done(err, socket));
                socket.once('secureConnect', () => {
                  const cert = socket.getPeerX509Certificate();
                  peerSha256 = cert ? createHash('sha256').update(cert.raw).digest('hex') : null;
                  if (peerSha256 !== pin) {
                    socket.destroy();
                    return done(
                      new PinMismatchError(`the server presented ${peerSha256}, not ${pin}`),
                      socket,
                    );
                  }
                  done(null, socket);
                });
                return undefined;
              },
            }),
      },
      (res) => {
        const chunks: Buffer[] = [];
        const hash = createHash('sha256');
        let bytes = 0;
        res.on('data', (c: Buffer) => {
          bytes += c.length;
          hash.update(c);
          if (!req.discardBody) chunks.push(c);
        });
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body,
            bytes,
            sha256: hash.digest('hex'),
            peerSha256,
            json: <T>() => JSON.parse(body.toString('utf8')) as T,
          });
        });
        res.on('error', reject);
      },
    );
    r.on('error', reject);
    r.end();
  });
}
