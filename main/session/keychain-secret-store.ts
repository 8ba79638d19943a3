// The OS keychain behind the SecretStore interface, through keytar: the macOS Keychain, the Windows Credential
// Manager, or a Secret Service (gnome-keyring, KWallet) over the D-Bus session bus on Linux. keytar is
// archived upstream; the Electron shell may later put safeStorage behind the same interface.
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { SecretStoreError, checkSecretKey } from './secret-store-error.js';
import type { SecretStore } from './secret-store.js';

/** The part of keytar we use (also what a test double or another keychain binding must offer). */
export interface Keychain {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
}

/** The keychain "service" every entry of the spooler is filed under. */
export const DEFAULT_SECRET_SERVICE = 'cps-spooler';
/** How long one keychain call may take: a D-Bus that accepts and never answers must not hang the caller. */
export const DEFAULT_KEYCHAIN_TIMEOUT_MS = 5000;

/**
 * Loads keytar on first use. A dynamic import, so that a missing or broken native module is an error the
 * caller can fall back from, not a crash when this file is imported.
 */
export async function loadKeytar(): Promise<Keychain> {
  const mod = (await import('keytar')) as unknown as Partial<Keychain> & { default?: Partial<Keychain> };
  const keytar = mod.default ?? mod;
  if (
    typeof keytar.getPassword !== 'function' ||
    typeof keytar.setPassword !== 'function' ||
    typeof keytar.deletePassword !== 'function'
  )
    throw new Error('the keytar module does not export getPassword, setPassword and deletePassword');
  return keytar as Keychain;
}

/**
 * The account name of `key` for a spooler whose data dir is `dataDir`: `<key>@<16 hex digits>`, the start of
 * the SHA-256 of the absolute data dir. Two spoolers with different data dirs (two users' test instances, a
 * portable copy) therefore never read or overwrite each other's tokens, and no path lands in the keychain.
 */
export function keychainAccount(key: string, dataDir: string): string {
  const scope = createHash('sha256').update(resolve(dataDir), 'utf8').digest('hex').slice(0, 16);
  return `${key}@${scope}`;
}

/** Human name of the platform's keychain, for messages. */
export function keychainName(platform: NodeJS.Platform = process.platform): string {
  if (platform === 'darwin') return 'macOS Keychain';
  if (platform === 'win32') return 'Windows Credential Manager';
  return 'Secret Service';
}

/** Resolves with `promise`, or rejects with a timeout error after `ms` (the keychain call itself cannot be stopped). */
export function withTimeout<T>(promise: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  return new Promise<T>((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(onTimeout()), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolvePromise(value);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}

/** What to file entries under and how long to wait for the keychain. */
export interface KeychainSecretStoreOptions {
  dataDir: string;
  service?: string;
  timeoutMs?: number;
  platform?: NodeJS.Platform;
}

/** A SecretStore kept in the OS keychain, scoped to one data dir. */
export function createKeytarSecretStore(
  keychain: Keychain,
  options: KeychainSecretStoreOptions,
): SecretStore {
  const service = options.service ?? DEFAULT_SECRET_SERVICE;
  const timeoutMs = options.timeoutMs ?? DEFAULT_KEYCHAIN_TIMEOUT_MS;
  const name = keychainName(options.platform);

  // Errors name the operation and the keychain's own reason, never the value.
  async function call<T>(action: string, run: () => Promise<T>): Promise<T> {
    try {
      return await withTimeout(
        run(),
        timeoutMs,
        () =>
          new SecretStoreError(
            'keychain-timeout',
            `The OS keychain (${name}) did not answer within ${timeoutMs / 1000} s while ${action}. ` +
              'Check that it is running and unlocked, then try again.',
          ),
      );
    } catch (err) {
      if (err instanceof SecretStoreError) throw err;
      const reason = (err instanceof Error ? err.message : String(err)).replace(/\.$/, '');
      throw new SecretStoreError(
        'keychain-failed',
        `The OS keychain (${name}) failed while ${action}: ${reason}. ` +
          'Check that it is running and unlocked, then try again.',
      );
    }
  }

  return {
    kind: 'keychain',
    warning: null,
    async get(key) {
      checkSecretKey(key);
      return call('reading a secret', () =>
        keychain.getPassword(service, keychainAccount(key, options.dataDir)),
      );
    },
    async set(key, value) {
      checkSecretKey(key);
      await call('saving a secret', () =>
        keychain.setPassword(service, keychainAccount(key, options.dataDir), value),
      );
    },
    async delete(key) {
      checkSecretKey(key);
      await call('deleting a secret', () =>
        keychain.deletePassword(service, keychainAccount(key, options.dataDir)),
      );
    },
  };
}
