// Domain errors that carry their HTTP status and a stable code for the `{ error, message }` body.

/** An error whose message is safe to show to the client. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** 401: the one answer for a missing, expired, revoked or unknown session. */
export const unauthorized = () =>
  new HttpError(401, 'unauthorized', 'Log in again: the session is missing, expired or revoked.');

/** 404: the one answer for an unknown id and for an id the caller may not see (no existence oracle). */
export const notFound = (what = 'resource') => new HttpError(404, 'not_found', `No such ${what}.`);

/** 403: the target is visible to the caller, but the caller's role may not do this. */
export const forbidden = () =>
  new HttpError(403, 'forbidden', 'Your role may not do this; ask an administrator of your organization.');
