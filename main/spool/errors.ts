// Typed spool errors: each carries a code the HTTP and IPP layers map to a status, and a message a person can act on.

/** What went wrong, in a word the callers switch on. */
export type SpoolErrorCode =
  'too-large' | 'disk-full' | 'storage' | 'not-found' | 'closed' | 'document-unavailable';

/** An error of the spool store. */
export class SpoolError extends Error {
  readonly code: SpoolErrorCode;
  constructor(code: SpoolErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SpoolError';
    this.code = code;
  }
}

/** Turns a low-level file-system error during a write into a SpoolError the client can understand. */
export function storageError(action: string, err: unknown): SpoolError {
  if (err instanceof SpoolError) return err;
  const code = (err as { code?: string } | null)?.code;
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new SpoolError(
      'disk-full',
      `The spool disk is full while ${action}; free some space (or delete printed jobs) and try again.`,
      { cause: err },
    );
  }
  return new SpoolError(
    'storage',
    `The spool could not store the job while ${action} (${code ?? 'unknown error'}); nothing was kept, try again.`,
    { cause: err },
  );
}
