// Why a login (or a session call) failed, said so that a user knows what to do. Messages never hold the
// password or a token.

/** Kinds of failure; the control API maps each to an HTTP status (see SESSION_ERROR_STATUS). */
export type SessionErrorCode =
  | 'no-server'
  | 'bad-credentials'
  | 'rate-limited'
  | 'not-allowed'
  | 'device-limit'
  | 'server-unreachable'
  | 'server-error'
  | 'keychain';

/** A session operation failed; `message` is for the user. */
export class SessionError extends Error {
  constructor(
    readonly code: SessionErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SessionError';
  }
}

/** The control API's answer for each failure. */
export const SESSION_ERROR_STATUS: Readonly<Record<SessionErrorCode, number>> = Object.freeze({
  'no-server': 503,
  'bad-credentials': 401,
  'rate-limited': 429,
  'not-allowed': 403,
  'device-limit': 409,
  'server-unreachable': 502,
  'server-error': 502,
  keychain: 503,
});
