// Answers of the MFP job server: JSON bodies with `{ error, message }` refusals, and the headers every answer
// carries. Each refusal has one fixed body, so two different causes cannot be told apart by their answer.
import type { ServerResponse } from 'node:http';

/** A refusal: status, stable code, a sentence the MFP's user or admin can act on. */
export interface Refusal {
  status: number;
  error: string;
  message: string;
}

/** The one answer for a missing, forged, expired, other-user or other-desktop ticket. */
export const UNAUTHORIZED: Refusal = {
  status: 401,
  error: 'unauthorized',
  message:
    'This request needs a valid ticket from the server for this desktop and its user; fetch the job list from the server again.',
};
/** The one answer for a job that is unknown, not the ticket user's, not in the ticket, or not waiting. */
export const JOB_NOT_FOUND: Refusal = {
  status: 404,
  error: 'not-found',
  message: 'There is no such job waiting for this user on this desktop; fetch the job list again.',
};
/** A path this server does not have. */
export const ROUTE_NOT_FOUND: Refusal = {
  status: 404,
  error: 'not-found',
  message: 'There is no such route on the MFP job server.',
};
/** A Host header that is not one of the announced addresses. */
export const MISDIRECTED: Refusal = {
  status: 421,
  error: 'misdirected-request',
  message: 'Address this desktop by the location the server gave for its jobs.',
};
/** Only reading is offered here. */
export const METHOD_NOT_ALLOWED: Refusal = {
  status: 405,
  error: 'method-not-allowed',
  message: 'The MFP job server only answers GET and HEAD; report printed jobs to the server.',
};
/** A request that carries a body. */
export const BODY_NOT_ALLOWED: Refusal = {
  status: 400,
  error: 'bad-request',
  message: 'Requests to the MFP job server take no body.',
};
/** The document cannot be served from the spool. */
export const DOCUMENT_UNAVAILABLE: Refusal = {
  status: 409,
  error: 'document-unavailable',
  message: 'The document of this job cannot be read on this desktop; ask its user to print it again.',
};
/** Anything unexpected; the details go to the spooler log only. */
export const INTERNAL: Refusal = {
  status: 500,
  error: 'internal',
  message: 'Something went wrong on the desktop; its spooler log has the details.',
};

/** Headers of every answer: nothing is cached (documents are private), nothing is sniffed. */
export function baseHeaders(res: ServerResponse): void {
  res.setHeader('cache-control', 'no-store');
  res.setHeader('x-content-type-options', 'nosniff');
}

/** Sends `body` as JSON (no body for HEAD, but the same headers). */
export function sendJson(res: ServerResponse, status: number, body: unknown, head = false): void {
  const text = Buffer.from(JSON.stringify(body), 'utf8');
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('content-length', text.length);
  res.end(head ? undefined : text);
}

/** Sends a refusal. */
export function refuse(res: ServerResponse, refusal: Refusal, head = false): void {
  if (refusal.status === 401) res.setHeader('www-authenticate', 'Bearer');
  sendJson(res, refusal.status, { error: refusal.error, message: refusal.message }, head);
}
