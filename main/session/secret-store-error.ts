// Errors of the secret store, and the rule for key names. Kept apart from secret-store.ts so that the keychain
// adapter can use them without an import cycle.

/** Why a secret could not be read, saved or deleted. Messages never hold the secret. */
export class SecretStoreError extends Error {
  constructor(
    readonly code: 'keychain-timeout' | 'keychain-failed' | 'bad-key',
    message: string,
  ) {
    super(message);
    this.name = 'SecretStoreError';
  }
}

/** Key names: short, lowercase, stable (`session-token`, `proxy-password`): they become keychain account names. */
const KEY = /^[a-z][a-z0-9-]{0,63}$/;

/** Throws for a key that is not a short lowercase name: a programming error, never user input. */
export function checkSecretKey(key: string): void {
  if (!KEY.test(key))
    throw new SecretStoreError(
      'bad-key',
      `Secret key names are 1-64 lowercase letters, digits or dashes: ${JSON.stringify(key)}.`,
    );
}
