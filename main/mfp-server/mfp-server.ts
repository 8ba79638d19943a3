// The MFP job server (port 5571, LAN): MFPs fetch a user's job list and PDFs with a server-signed ticket.
// Plain node:http(s) with a two-route router, not Fastify: serving large PDFs to many MFPs at once is its
// whole job, and a bare node stream is about 1.4x a default Fastify stream (issue 5's measurement).
// Every request passes, in order: the Host check (421), the body check (400), the ticket (401), then the
// route (404/405). HTTPS with a self-signed certificate the MFP pins, unless `--mfp-insecure-http`.
import { createServer as createHttpServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { Logger } from '../log/logger.js';
import { isJobId } from '../spool/job.js';
import type { JobStore } from '../spool/job-store.js';
import type { HostPolicy } from './announced-hosts.js';
import { createJobListCache } from './job-list-cache.js';
import { listJobs, sendDocument } from './jobs-routes.js';
import {
  BODY_NOT_ALLOWED,
  INTERNAL,
  JOB_NOT_FOUND,
  METHOD_NOT_ALLOWED,
  MISDIRECTED,
  ROUTE_NOT_FOUND,
  UNAUTHORIZED,
  baseHeaders,
  refuse,
} from './responses.js';
import type { TicketVerifier } from './ticket.js';
import type { TlsIdentity } from './tls-identity.js';

/** What the server needs. `tls` null serves plain HTTP (`--mfp-insecure-http`). */
export interface MfpServerOptions {
  store: JobStore;
  verifier: TicketVerifier;
  hosts: HostPolicy;
  tls: TlsIdentity | null;
  log: Logger;
}

/** A listening (or ready to listen) MFP job server. */
export interface MfpServer {
  /** `https` or `http`. */
  readonly scheme: 'https' | 'http';
  /** SHA-256 of the certificate (lowercase hex) for the MFP to pin; null over plain HTTP. */
  readonly certSha256: string | null;
  /** The bound port (0 before listen). */
  port(): number;
  /** Listens on `host:port`; resolves with the bound port. */
  listen(port: number, host: string): Promise<number>;
  /** Stops accepting; transfers under way get `graceMs` to finish, then their connections are cut. */
  close(graceMs?: number): Promise<void>;
}

/** A stalled connection (no byte either way) is cut after this. */
const IDLE_SOCKET_MS = 60_000;
/** How long stopping waits for transfers under way. */
const DEFAULT_GRACE_MS = 10_000;
/** More simultaneous connections than a floor of MFPs needs; bounds what a flood can hold open. */
const MAX_CONNECTIONS = 256;

const DOCUMENT_PATH = /^\/v1\/jobs\/([^/]*)\/document$/;

function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/** Creates the server (not listening yet). */
export function createMfpServer(options: MfpServerOptions): MfpServer {
  const { log, verifier } = options;
  const deps = { store: options.store, log, lists: createJobListCache(options.store) };
  let port = 0;
  const active = new Set<ServerResponse>();

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    baseHeaders(res);
    const head = req.method === 'HEAD';
    if (!options.hosts.allows(req.headers.host)) {
      log.debug('MFP server: a request with a foreign Host was refused', { host: req.headers.host });
      res.setHeader('connection', 'close');
      return refuse(res, MISDIRECTED, head);
    }
    if (hasBody(req)) {
      res.setHeader('connection', 'close');
      return refuse(res, BODY_NOT_ALLOWED, head);
    }
    // The query is not part of the interface; it is ignored, never used to find anything (nor logged).
    const path = (req.url ?? '').split('?')[0] ?? '';
    const grant = verifier.verify(req.headers.authorization);
    if (!grant) {
      log.debug('MFP server: a request without a valid ticket was refused', { path: path.slice(0, 100) });
      return refuse(res, UNAUTHORIZED, head);
    }
    const document = DOCUMENT_PATH.exec(path);
    if (path !== '/v1/jobs' && !document) return refuse(res, ROUTE_NOT_FOUND, head);
    if (req.method !== 'GET' && !head) {
      res.setHeader('allow', 'GET, HEAD');
      return refuse(res, METHOD_NOT_ALLOWED);
    }
    if (!document) return listJobs(deps, req, res, grant);
    const id = document[1] ?? '';
    // Only a well-formed id reaches the store; the spool file name is derived from it, never from the path.
    if (!isJobId(id)) return refuse(res, JOB_NOT_FOUND, head);
    return sendDocument(deps, req, res, grant, id);
  }

  const listener = (req: IncomingMessage, res: ServerResponse) => {
    active.add(res);
    res.on('close', () => active.delete(res));
    handle(req, res).catch((err: unknown) => {
      log.error('MFP server request failed', { error: err });
      if (!res.headersSent) refuse(res, INTERNAL);
      else res.destroy();
    });
  };
  // Node answers a request without Host with a bare 400; we answer it 421 like any foreign Host.
  const common = {
    requireHostHeader: false,
    headersTimeout: 10_000,
    requestTimeout: 30_000,
    keepAliveTimeout: 5000,
  };
  const server: Server = options.tls
    ? createHttpsServer(
        {
          ...common,
          key: options.tls.key,
          cert: options.tls.cert,
          minVersion: 'TLSv1.2',
          handshakeTimeout: 10_000,
        },
        listener,
      )
    : createHttpServer(common, listener);
  server.maxConnections = MAX_CONNECTIONS;
  server.setTimeout(IDLE_SOCKET_MS, (socket: Socket) => socket.destroy());
  server.on('clientError', (err: { code?: string }, socket: Socket) => {
    // A request Node could not parse (too long a URL or header, bad syntax) gets a status, not a reset.
    if (!socket.writable || !err.code?.startsWith('HPE_')) return void socket.destroy();
    const status =
      err.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  });

  return {
    scheme: options.tls ? 'https' : 'http',
    certSha256: options.tls?.sha256 ?? null,
    port: () => port,
    listen: (wanted, host) =>
      new Promise<number>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ port: wanted, host }, () => {
          server.off('error', reject);
          port = (server.address() as AddressInfo).port;
          resolve(port);
        });
      }),
    async close(graceMs = DEFAULT_GRACE_MS) {
      if (!server.listening) return;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const deadline = Date.now() + graceMs;
      while (active.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      server.closeAllConnections();
      await closed;
    },
  };
}
