// Print-Job to a network printer over ipp:// or ipps:// (PAPPL's device idea: a printer is a URI). The
// document is streamed after the request (chunked HTTP), so memory does not grow with it. Used for direct
// printing to third-party printers and by the MFP simulator that releases jobs to a real printer.
import { request as httpRequest } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createHash } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import {
  attr,
  charsetAndLanguage,
  decodeStream,
  encodeWithDocument,
  findAttribute,
  group,
  Operation,
} from '../ipp/index.js';
import type { DocumentSource, IppMessage } from '../ipp/index.js';

/** What to print and how. */
export interface PrintJobRequest {
  /** `ipp://host:port/path` or `ipps://...`. */
  printerUri: string;
  /** A fresh document source per attempt (a busy printer gets the job again). */
  document: () => DocumentSource;
  jobName: string;
  userName: string;
  format?: string;
  copies?: number;
  sides?: 'one-sided' | 'two-sided-long-edge' | 'two-sided-short-edge';
  colorMode?: 'auto' | 'color' | 'monochrome';
  /** ipps: accept exactly the certificate with this SHA-256 (hex), for self-signed printers; else the system CAs. */
  pinnedCertSha256?: string;
  /** Answers of server-error-busy are retried this many times (default 20), 250 ms apart. */
  busyRetries?: number;
  timeoutMs?: number;
}

/** The printer's answer. */
export interface PrintJobResult {
  status: number;
  statusName: string;
  jobId: number | null;
  message: string | null;
}

/** The printer could not be reached or answered something that is not IPP. */
export class PrinterError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

const STATUS_NAMES: Record<number, string> = {
  0x0000: 'successful-ok',
  0x0001: 'successful-ok-ignored-or-substituted-attributes',
  0x0400: 'client-error-bad-request',
  0x040a: 'client-error-document-format-not-supported',
  0x0500: 'server-error-internal-error',
  0x0507: 'server-error-busy',
};

let nextRequestId = 1;

function buildRequest(r: PrintJobRequest): IppMessage {
  const job = [];
  if (r.copies !== undefined && r.copies !== 1) job.push(attr('copies', 'integer', r.copies));
  if (r.sides) job.push(attr('sides', 'keyword', r.sides));
  if (r.colorMode) job.push(attr('print-color-mode', 'keyword', r.colorMode));
  return {
    version: { major: 2, minor: 0 },
    operationIdOrStatus: Operation['Print-Job'],
    requestId: nextRequestId++,
    groups: [
      group('operation', [
        ...charsetAndLanguage('en'),
        attr('printer-uri', 'uri', r.printerUri),
        attr('requesting-user-name', 'nameWithoutLanguage', r.userName),
        attr('job-name', 'nameWithoutLanguage', r.jobName),
        attr('document-format', 'mimeMediaType', r.format ?? 'application/pdf'),
      ]),
      ...(job.length > 0 ? [group('job', job)] : []),
    ],
  };
}

async function sendOnce(r: PrintJobRequest): Promise<PrintJobResult> {
  const url = new URL(r.printerUri);
  const secure = url.protocol === 'ipps:';
  if (!secure && url.protocol !== 'ipp:')
    throw new PrinterError(`${r.printerUri}: only ipp:// and ipps:// printers are supported.`);
  const body = encodeWithDocument(buildRequest(r), r.document());
  const options = {
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: Number(url.port || 631),
    method: 'POST',
    path: url.pathname || '/',
    headers: { 'content-type': 'application/ipp', 'transfer-encoding': 'chunked' },
    timeout: r.timeoutMs ?? 60_000,
    ...(secure && r.pinnedCertSha256 ? { rejectUnauthorized: false } : {}),
  };
  const response = await new Promise<IncomingMessage>((resolve, reject) => {
    const req = (secure ? httpsRequest : httpRequest)(options, resolve);
    req.on('timeout', () => req.destroy(new PrinterError(`${r.printerUri} did not answer in time.`)));
    req.on('error', (err) =>
      reject(
        err instanceof PrinterError
          ? err
          : new PrinterError(`${r.printerUri}: ${err.message}`, { cause: err }),
      ),
    );
    if (secure && r.pinnedCertSha256) {
      req.on('socket', (socket) => {
        socket.once('secureConnect', () => {
          const cert = (socket as TLSSocket).getPeerX509Certificate();
          const seen = cert ? createHash('sha256').update(cert.raw).digest('hex') : 'none';
          if (seen !== r.pinnedCertSha256)
            req.destroy(
              new PrinterError(`${r.printerUri} presented certificate ${seen}, not the pinned one.`),
            );
        });
      });
    }
    body.on('error', (err) => req.destroy(err));
    body.pipe(req);
  });
  if (
    response.statusCode !== 200 ||
    !String(response.headers['content-type'] ?? '').startsWith('application/ipp')
  ) {
    response.resume();
    throw new PrinterError(`${r.printerUri} answered HTTP ${response.statusCode}, not IPP.`);
  }
  const { message } = await decodeStream(response);
  response.resume();
  const jobId = findAttribute(message, 'job-id')?.values[0]?.value;
  const text = findAttribute(message, 'status-message')?.values[0]?.value;
  const status = message.operationIdOrStatus;
  return {
    status,
    statusName: STATUS_NAMES[status] ?? `0x${status.toString(16).padStart(4, '0')}`,
    jobId: typeof jobId === 'number' ? jobId : null,
    message: typeof text === 'string' ? text : null,
  };
}

/** Sends Print-Job; retries while the printer is busy; returns the final IPP answer. */
export async function printJob(r: PrintJobRequest): Promise<PrintJobResult> {
  const retries = r.busyRetries ?? 20;
  for (let attempt = 0; ; attempt++) {
    const result = await sendOnce(r);
    if (result.status !== 0x0507 || attempt >= retries) return result;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
