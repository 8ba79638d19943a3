// A small IPP client for the printer tests: builds requests with our codec, posts them over loopback HTTP
// with a bound on every exchange, and decodes the answers. A request that gets no answer in time fails
// the test instead of hanging it.
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import type { Agent, IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import {
  GroupTag,
  attr,
  charsetAndLanguage,
  decode,
  encode,
  findAttribute,
  group,
  Operation,
  statusKeyword,
} from '../../../main/ipp/index.js';
import type {
  GroupTagValue,
  IppAttribute,
  IppMessage,
  IppValue,
  IppVersion,
  OperationName,
} from '../../../main/ipp/index.js';

/** How an HTTP exchange ended: an answer, or the connection closed before one came. */
export type HttpOutcome =
  | { kind: 'answer'; status: number; headers: IncomingHttpHeaders; body: Buffer; reusedSocket: boolean }
  | { kind: 'closed'; code: string };

/** What to post; defaults are a well-formed IPP POST to the printer resource. */
export interface PostOptions {
  body?: Buffer | Readable;
  method?: string;
  path?: string;
  /** Host header; null sends none. Default `127.0.0.1:<port>`. */
  host?: string | null;
  headers?: Record<string, string>;
  agent?: Agent | false;
  /** The longest the whole exchange may take; past it the promise rejects. Default 10 s. */
  timeoutMs?: number;
}

/** The default bound on one exchange. */
export const EXCHANGE_TIMEOUT_MS = 10_000;

/** Posts to the printer and resolves with the outcome; rejects only when nothing happened in time. */
export function post(port: number, options: PostOptions = {}): Promise<HttpOutcome> {
  const timeoutMs = options.timeoutMs ?? EXCHANGE_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { 'content-type': 'application/ipp', ...options.headers };
    if (options.host !== null) headers.host = options.host ?? `127.0.0.1:${port}`;
    const body = options.body;
    if (Buffer.isBuffer(body)) headers['content-length'] = String(body.length);
    let settled = false;
    const finish = (outcome: HttpOutcome | Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
    };
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method: options.method ?? 'POST',
        path: options.path ?? '/ipp/print',
        headers,
        setHost: false,
        agent: options.agent ?? false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          finish({
            kind: 'answer',
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks),
            reusedSocket: req.reusedSocket,
          }),
        );
        res.on('error', (err: NodeJS.ErrnoException) =>
          finish({ kind: 'closed', code: err.code ?? err.message }),
        );
      },
    );
    const timer = setTimeout(() => {
      req.destroy();
      finish(new Error(`no answer from the printer within ${timeoutMs} ms`));
    }, timeoutMs);
    req.on('error', (err: NodeJS.ErrnoException) => {
      // A refusal may come while the body is still being written; give the answer a moment to arrive.
      setTimeout(() => finish({ kind: 'closed', code: err.code ?? err.message }), 50);
    });
    if (body === undefined) req.end();
    else if (Buffer.isBuffer(body)) req.end(body);
    else {
      body.on('error', (err) => req.destroy(err));
      body.pipe(req);
    }
  });
}

let nextRequestId = 1;

/** Extra parts of a request. */
export interface RequestParts {
  job?: IppAttribute[];
  version?: IppVersion;
  requestId?: number;
}

/** A request with attributes-charset, attributes-natural-language and printer-uri, then `operation`. */
export function ippRequest(
  op: OperationName,
  printerUri: string,
  operation: IppAttribute[] = [],
  parts: RequestParts = {},
): IppMessage {
  return {
    version: parts.version ?? { major: 2, minor: 0 },
    operationIdOrStatus: Operation[op],
    requestId: parts.requestId ?? nextRequestId++,
    groups: [
      group('operation', [...charsetAndLanguage('en'), attr('printer-uri', 'uri', printerUri), ...operation]),
      ...(parts.job && parts.job.length > 0 ? [group('job', parts.job)] : []),
    ],
  };
}

/** Posts IPP bytes (and a document after them) and returns the decoded answer; HTTP must be 200. */
export async function postIpp(
  port: number,
  wire: Buffer | Readable,
  options: Omit<PostOptions, 'body'> = {},
): Promise<IppMessage> {
  const outcome = await post(port, { ...options, body: wire });
  assert.equal(outcome.kind, 'answer', 'the printer closed the connection without an answer');
  if (outcome.kind !== 'answer') throw new Error('unreachable');
  assert.equal(outcome.status, 200, `HTTP ${outcome.status}: ${outcome.body.toString('utf8')}`);
  assert.equal(outcome.headers['content-type'], 'application/ipp');
  return decode(outcome.body);
}

/** Sends `message` with `document` after it and returns the decoded answer, checking request-id. */
export async function call(
  port: number,
  message: IppMessage,
  document: Buffer = Buffer.alloc(0),
  options: Omit<PostOptions, 'body'> = {},
): Promise<IppMessage> {
  const answer = await postIpp(port, Buffer.concat([encode(message), document]), options);
  assert.equal(answer.requestId, message.requestId, 'the answer echoes the request-id');
  return answer;
}

/** The status keyword of an answer (hex when unknown). */
export function statusOf(answer: IppMessage): string {
  return statusKeyword(answer.operationIdOrStatus) ?? `0x${answer.operationIdOrStatus.toString(16)}`;
}

/** The plain values of an attribute (first match), or undefined when absent. */
export function valuesOf(answer: IppMessage, name: string, tag?: GroupTagValue): unknown[] | undefined {
  return findAttribute(answer, name, tag)?.values.map((v: IppValue) => v.value);
}

/** The single value of an attribute, or undefined. */
export function valueOf(answer: IppMessage, name: string, tag?: GroupTagValue): unknown {
  return valuesOf(answer, name, tag)?.[0];
}

/** The job groups of an answer, as name -> first value maps. */
export function jobGroups(answer: IppMessage): Array<Map<string, unknown>> {
  return answer.groups
    .filter((g) => g.tag === GroupTag.job)
    .map((g) => new Map(g.attributes.map((a) => [a.name, a.values[0]?.value])));
}

/** "status-message" of an answer, for assertion messages. */
export function messageOf(answer: IppMessage): string {
  return String(valueOf(answer, 'status-message', GroupTag.operation) ?? '');
}

/** What came back on a raw connection. */
export interface RawOutcome {
  /** The HTTP status, or null when the server closed without answering. */
  status: number | null;
  head: string;
  body: Buffer;
  /** True when the server closed the connection. */
  closed: boolean;
}

/**
 * Writes `data` on a fresh TCP connection (half-closing it after, at once or after a delay, when asked) and
 * reads one HTTP answer:
 * resolves once a Content-Length answer is complete or the server closed; rejects past `timeoutMs`.
 */
export function rawExchange(
  port: number,
  data: Buffer,
  options: { halfClose?: boolean; halfCloseAfterMs?: number; timeoutMs?: number } = {},
): Promise<RawOutcome> {
  const timeoutMs = options.timeoutMs ?? EXCHANGE_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    let settled = false;
    const outcome = (closed: boolean): RawOutcome | null => {
      const all = Buffer.concat(chunks);
      const end = all.indexOf('\r\n\r\n');
      if (end < 0) return closed ? { status: null, head: all.toString('latin1'), body: all, closed } : null;
      const head = all.subarray(0, end).toString('latin1');
      const body = all.subarray(end + 4);
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? NaN);
      const length = /\r\ncontent-length: *(\d+)/i.exec(head)?.[1];
      if (!closed && (length === undefined || body.length < Number(length))) return null;
      return { status: Number.isNaN(status) ? null : status, head, body, closed };
    };
    const finish = (result: RawOutcome | Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (result instanceof Error) reject(result);
      else resolve(result);
    };
    const timer = setTimeout(
      () => finish(new Error(`no answer and no close within ${timeoutMs} ms`)),
      timeoutMs,
    );
    socket.on('data', (c: Buffer) => {
      chunks.push(c);
      const done = outcome(false);
      if (done) finish(done);
    });
    socket.on('error', () => undefined); // a reset is a close; 'close' follows
    socket.on('close', () => finish(outcome(true) as RawOutcome));
    socket.on('connect', () => {
      socket.write(data);
      if (options.halfCloseAfterMs !== undefined) setTimeout(() => socket.end(), options.halfCloseAfterMs);
      else if (options.halfClose) socket.end();
    });
  });
}

/** An HTTP/1.1 POST head for the printer with an explicit Content-Length (which may lie). */
export function postHead(port: number, contentLength: number, extra = ''): Buffer {
  return Buffer.from(
    `POST /ipp/print HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/ipp\r\n` +
      `Content-Length: ${contentLength}\r\n${extra}\r\n`,
    'latin1',
  );
}
