// The virtual IPP printer on 127.0.0.1:5572 (`ipp://127.0.0.1:5572/ipp/print`): HTTP in, IPP decoded as
// it streams, one handler per operation, and a clear IPP status for everything it refuses.
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Readable } from 'node:stream';
import {
  GroupTag,
  IppParseError,
  StatusCode,
  ValueTag,
  attr,
  charsetAndLanguage,
  decodeStream,
  encode,
  findGroup,
  isSupportedVersion,
} from '../ipp/index.js';
import type { IppAttribute, IppGroup, IppMessage, IppVersion, StatusKeyword } from '../ipp/index.js';
import type { Logger } from '../log/logger.js';
import type { JobStore } from '../spool/job-store.js';
import { DEFAULT_JOB_OPTIONS } from '../spool/job.js';
import { AttributeBag, BadAttributeError, NAME_TAGS } from './ipp-values.js';
import { IppJobTable } from './ipp-jobs.js';
import { isNotCompleted } from './job-attributes.js';
import type { IppReply, IppRequest, PrinterContext } from './operations/context.js';
import { OPERATIONS } from './operations/index.js';
import type { PrinterFacts } from './printer-attributes.js';

/** Settings of the virtual printer. */
export interface IppPrinterOptions {
  store: JobStore;
  log: Logger;
  maxJobBytes: number;
  /** Seeds the stable "printer-uuid". */
  dataDir: string;
  mediaDefault: string;
  name?: string;
  /** How long the attribute section may take to arrive (ms); a stalled client is cut off after it. */
  sectionTimeoutMs?: number;
  /** How long a connection may stay idle (ms). */
  idleTimeoutMs?: number;
  /** The server id of the user logged in at capture (becomes the job's ownerId); default nobody. */
  ownerId?: () => string | null;
}

/** A running virtual printer. */
export interface IppPrinter {
  server: Server;
  jobs: IppJobTable;
  listen(port: number): Promise<number>;
  close(): Promise<void>;
}

/** The most of a refused document that is read and dropped before answering (see sendIpp). */
export const DRAIN_LIMIT_BYTES = 16 * 1024 * 1024;
const DRAIN_TIMEOUT_MS = 10_000;

/** Reads and drops what is left of a stream; false when it is over the limit or too slow. */
function drain(stream: Readable): Promise<boolean> {
  if (stream.readableEnded || stream.destroyed) return Promise.resolve(stream.readableEnded);
  return new Promise((resolve) => {
    let seen = 0;
    const done = (ok: boolean) => {
      clearTimeout(timer);
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
      if (!ok) stream.pause();
      resolve(ok);
    };
    const onData = (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > DRAIN_LIMIT_BYTES) done(false);
    };
    const onEnd = () => done(true);
    const onError = () => done(false);
    const timer = setTimeout(() => done(false), DRAIN_TIMEOUT_MS);
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
    stream.resume();
  });
}

/** The resource path of the printer. */
export const PRINTER_PATH = '/ipp/print';
/** The printer, or one of its jobs (`/ipp/print/42`: clients post job operations to a job URI too). */
const PRINTER_RESOURCE = /^\/ipp\/print(\/\d{1,10})?$/;
const JOB_OPERATIONS = new Set([0x0006, 0x0008, 0x0009]); // Send-Document, Cancel-Job, Get-Job-Attributes

function stableUuid(seed: string): string {
  const h = createHash('sha256').update(`cloud-print-and-scan:${seed}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16] as string, 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** True for a Host naming this machine's loopback (with our port, or none). */
export function isLoopbackHost(host: string | undefined, port: number): boolean {
  if (!host) return false;
  const m = /^(localhost|127\.0\.0\.1|\[::1\])(?::(\d{1,5}))?$/i.exec(host);
  return m !== null && (m[2] === undefined || Number(m[2]) === port);
}

function operationGroup(message?: string): IppGroup {
  const attributes: IppAttribute[] = charsetAndLanguage('en');
  // Cut by code points, not UTF-16 units: half an emoji from a quoted client value would not encode.
  if (message)
    attributes.push(attr('status-message', 'textWithoutLanguage', [...message].slice(0, 255).join('')));
  return { tag: GroupTag.operation, attributes };
}

/** Creates the printer (not listening yet). */
export function createIppPrinter(options: IppPrinterOptions): IppPrinter {
  const { store, log } = options;
  const defaults = { ...DEFAULT_JOB_OPTIONS, media: options.mediaDefault };
  const jobs = new IppJobTable(store, defaults);
  const startedAt = Date.now();
  const uuid = stableUuid(options.dataDir);
  let port = 0;
  let accepting = true;

  const printer: PrinterContext = {
    store,
    jobs,
    log,
    maxJobBytes: options.maxJobBytes,
    defaults,
    startedAt,
    accepting: () => accepting,
    ownerId: options.ownerId ?? (() => null),
    facts: (uri): PrinterFacts => ({
      uri,
      uuid,
      name: options.name ?? 'Cloud Print and Scan',
      makeAndModel: 'Cloud Print and Scan Virtual Printer',
      mediaDefault: options.mediaDefault,
      upSeconds: Math.round((Date.now() - startedAt) / 1000),
      queuedJobCount: jobs.views().filter(isNotCompleted).length,
      accepting,
    }),
  };

  function sendHttp(
    res: ServerResponse,
    status: number,
    text: string,
    extra: Record<string, string> = {},
  ): void {
    res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', connection: 'close', ...extra });
    res.end(`${text}\n`);
  }

  /**
   * Answers an IPP request. A refused request may still have its document on the wire: it is read and
   * dropped first (up to DRAIN_LIMIT_BYTES), because a client that is still sending when the server closes
   * can lose the answer (TCP reset); past the limit the answer goes out with `Connection: close`.
   */
  async function sendIpp(
    req: IncomingMessage,
    res: ServerResponse,
    version: IppVersion,
    requestId: number,
    status: StatusKeyword,
    reply: Omit<IppReply, 'status'> = {},
    body?: Readable,
  ): Promise<void> {
    const encoded = encode({
      version,
      operationIdOrStatus: StatusCode[status],
      requestId,
      groups: [operationGroup(reply.message), ...(reply.groups ?? [])],
    });
    const drained = req.complete || (await drain(body ?? req));
    const headers: Record<string, string | number> = {
      'content-type': 'application/ipp',
      'content-length': encoded.length,
    };
    if (!drained) headers.connection = 'close';
    res.writeHead(200, headers);
    res.end(encoded);
    if (!drained) setTimeout(() => req.socket.destroy(), 5000).unref();
  }

  /** Checks the operation attributes every request must carry (RFC 8011 §4.1.4-4.1.6). */
  function requestCheck(message: IppMessage): IppReply | null {
    if (message.requestId < 1)
      return { status: 'client-error-bad-request', message: 'request-id must be 1 or more.' };
    const first = message.groups[0];
    if (!first || first.tag !== GroupTag.operation) {
      return { status: 'client-error-bad-request', message: 'The operation attributes group is missing.' };
    }
    const [charset, language] = first.attributes;
    if (charset?.name !== 'attributes-charset' || charset.values[0]?.tag !== ValueTag.charset) {
      return {
        status: 'client-error-bad-request',
        message: 'attributes-charset must be the first attribute.',
      };
    }
    if (
      language?.name !== 'attributes-natural-language' ||
      language.values[0]?.tag !== ValueTag.naturalLanguage
    ) {
      return {
        status: 'client-error-bad-request',
        message: 'attributes-natural-language must be the second attribute.',
      };
    }
    const cs = String(charset.values[0].value).toLowerCase();
    if (cs !== 'utf-8' && cs !== 'us-ascii') {
      return {
        status: 'client-error-charset-not-supported',
        message: `Charset ${cs} is not supported; use utf-8.`,
        groups: [{ tag: GroupTag.unsupported, attributes: [charset] }],
      };
    }
    return null;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '').split('?')[0];
    if (!isLoopbackHost(req.headers.host, port))
      return sendHttp(res, 400, 'This printer only answers on localhost.');
    if (req.headers.origin !== undefined) return sendHttp(res, 403, 'Web pages may not print here.');
    if (!PRINTER_RESOURCE.test(path ?? ''))
      return sendHttp(res, 404, `No printer here; use ipp://localhost:${port}${PRINTER_PATH}.`);
    if (req.method !== 'POST') return sendHttp(res, 405, 'Send IPP requests with POST.', { allow: 'POST' });
    if (!/^application\/ipp\s*(;|$)/i.test(req.headers['content-type'] ?? '')) {
      return sendHttp(res, 400, 'The body must be application/ipp.');
    }
    const timer = setTimeout(() => req.destroy(), options.sectionTimeoutMs ?? 30_000);
    let decoded;
    try {
      decoded = await decodeStream(req);
    } catch (err) {
      if (!(err instanceof IppParseError)) throw err;
      log.info('bad IPP request refused', { reason: err.message });
      if (!err.header || res.headersSent || req.destroyed)
        return sendHttp(res, 400, 'Malformed IPP request.');
      const version = isSupportedVersion(err.header.version) ? err.header.version : { major: 1, minor: 1 };
      return sendIpp(req, res, version, err.header.requestId, err.statusKeyword, { message: err.message });
    } finally {
      clearTimeout(timer);
    }
    const { message, body } = decoded;
    // Until a handler reads the document, its errors (a client hanging up) have nowhere to go: keep them
    // from becoming uncaught. Readers attach their own listeners and still see them.
    body.on('error', () => undefined);
    const version = message.version;
    if (!isSupportedVersion(version)) {
      return sendIpp(
        req,
        res,
        { major: 1, minor: 1 },
        message.requestId,
        'server-error-version-not-supported',
        {
          message: 'This printer speaks IPP/1.1 and IPP/2.0.',
        },
        body,
      );
    }
    const refusal = requestCheck(message);
    if (refusal) return sendIpp(req, res, version, message.requestId, refusal.status, refusal, body);
    const op = new AttributeBag(findGroup(message, GroupTag.operation));
    const handler = OPERATIONS.get(message.operationIdOrStatus);
    let reply: IppReply;
    try {
      const printerUri = op.text('printer-uri', [ValueTag.uri]);
      const jobUri = op.text('job-uri', [ValueTag.uri]);
      if (!printerUri && !(jobUri && JOB_OPERATIONS.has(message.operationIdOrStatus))) {
        reply = { status: 'client-error-bad-request', message: 'printer-uri is missing.' };
      } else if (printerUri && !printerUri.replace(/\/$/, '').endsWith(PRINTER_PATH)) {
        reply = { status: 'client-error-not-found', message: `There is no printer at ${printerUri}.` };
      } else if (!handler) {
        reply = {
          status: 'server-error-operation-not-supported',
          message: 'This printer does not support that operation.',
        };
      } else {
        const request: IppRequest = {
          message,
          op,
          jobGroup: findGroup(message, GroupTag.job)?.attributes ?? [],
          body,
          user: op.text('requesting-user-name', NAME_TAGS) || 'anonymous',
          printerUri: `ipp://${req.headers.host ?? `localhost:${port}`}${PRINTER_PATH}`,
        };
        reply = await handler(request, printer);
      }
    } catch (err) {
      if (!(err instanceof BadAttributeError)) throw err;
      reply = {
        status: err.status,
        message: err.message,
        groups: [{ tag: GroupTag.unsupported, attributes: [err.attribute] }],
      };
    }
    await sendIpp(req, res, version, message.requestId, reply.status, reply, body);
  }

  const server = createServer({ requestTimeout: 0 }, (req, res) => {
    handle(req, res).catch((err: unknown) => {
      log.error('IPP request failed', { error: err });
      if (!res.headersSent) sendHttp(res, 500, 'Internal error.');
      else res.destroy();
    });
  });
  server.setTimeout(options.idleTimeoutMs ?? 60_000, (socket) => socket.destroy());
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
    else socket.destroy();
  });

  return {
    server,
    jobs,
    async listen(wanted) {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(wanted, '127.0.0.1', () => {
          server.off('error', reject);
          resolve();
        });
      });
      port = (server.address() as AddressInfo).port;
      return port;
    },
    async close() {
      accepting = false;
      jobs.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await closed;
    },
  };
}
