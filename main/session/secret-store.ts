// Where the spooler keeps secrets (session tokens, the proxy password): the OS keychain, or, when there is
// none, memory only. Never a file, a setting or a log line (issue 5; whitepaper Table 2-1 lists the tokens the
// desktop holds). This is the public face of main/session for secrets.
import { createChildProcessProbe, createInProcessProbe } from './keychain-probe.js';
import type { KeychainProbe } from './keychain-probe.js';
import {
  DEFAULT_KEYCHAIN_TIMEOUT_MS,
  DEFAULT_SECRET_SERVICE,
  createKeytarSecretStore,
  keychainAccount,
  keychainName,
  loadKeytar,
  withTimeout,
} from './keychain-secret-store.js';
import type { Keychain } from './keychain-secret-store.js';
import { checkSecretKey } from './secret-store-error.js';

export {
  DEFAULT_KEYCHAIN_TIMEOUT_MS,
  DEFAULT_SECRET_SERVICE,
  createKeytarSecretStore,
  keychainAccount,
  loadKeytar,
} from './keychain-secret-store.js';
export type { Keychain, KeychainSecretStoreOptions } from './keychain-secret-store.js';
export { createChildProcessProbe, createInProcessProbe } from './keychain-probe.js';
export type { KeychainProbe } from './keychain-probe.js';
export { SecretStoreError } from './secret-store-error.js';

/** A small key-value store for secrets. Keys are short lowercase names (`session-token`). */
export interface SecretStore {
  /** `keychain`: survives a restart; `memory`: gone when the process ends. */
  readonly kind: 'keychain' | 'memory';
  /** Why secrets are kept in memory only (for the UI and the log), or null when they are in the keychain. */
  readonly warning: string | null;
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<void>;
  /** Removes the entry; removing an absent entry is not an error. */
  delete(key: string): Promise<void>;
}

/** A SecretStore in this process's memory only: what the spooler uses when no keychain is reachable. */
export function createMemorySecretStore(warning: string | null = null): SecretStore {
  const values = new Map<string, string>();
  return {
    kind: 'memory',
    warning,
    async get(key) {
      checkSecretKey(key);
      return values.get(key) ?? null;
    },
    async set(key, value) {
      checkSecretKey(key);
      values.set(key, value);
    },
    async delete(key) {
      checkSecretKey(key);
      values.delete(key);
    },
  };
}

/** How to open the spooler's secret store. */
export interface OpenSecretStoreOptions {
  /** The spooler's data dir: entries are scoped to it (see keychainAccount). */
  dataDir: string;
  /** Called once, with a message for the user, when secrets will be kept in memory only. */
  warn(message: string): void;
  service?: string;
  /** Longest wait for each keychain call, the start-up probe included. */
  timeoutMs?: number;
  /** How to load the keychain binding (tests: a binding that fails to load). */
  loadKeychain?: () => Promise<Keychain>;
  /** The start-up round trip; default: in a child process on Linux (see keychain-probe.ts), else in-process. */
  probe?: KeychainProbe;
  platform?: NodeJS.Platform;
}

/** The entry written and removed at start to prove the keychain works. */
const PROBE_KEY = 'keychain-probe';

function reasonOf(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  // One line, no trailing full stop: it is embedded in a sentence.
  return text.replace(/\s+/g, ' ').trim().replace(/\.$/, '').slice(0, 300) || 'unknown error';
}

/**
 * Opens the OS keychain after a real round trip (save, read back, delete a probe entry), bounded by
 * `timeoutMs` so that a hanging D-Bus cannot hang start-up (nor, on Linux, exit: see keychain-probe.ts).
 * When that fails for any reason (no keychain, no session bus, a locked keyring, keytar's native module
 * missing), calls `warn` once with a message that says why and what it means, and returns a memory-only
 * store. Nothing is ever written to a file.
 */
export async function openSecretStore(options: OpenSecretStoreOptions): Promise<SecretStore> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_KEYCHAIN_TIMEOUT_MS;
  const name = keychainName(options.platform);
  let keychain: Keychain;
  try {
    keychain = await withTimeout(
      (options.loadKeychain ?? loadKeytar)(),
      timeoutMs,
      () => new Error(`the keychain module did not load within ${timeoutMs / 1000} s`),
    );
  } catch (err) {
    return fallBack(
      options,
      `No OS keychain (${name}) can be used: the keychain module (keytar) did not load (${reasonOf(err)})`,
    );
  }
  const service = options.service ?? DEFAULT_SECRET_SERVICE;
  const probe =
    options.probe ??
    ((options.platform ?? process.platform) === 'linux'
      ? createChildProcessProbe()
      : createInProcessProbe(keychain));
  try {
    await probe(service, keychainAccount(PROBE_KEY, options.dataDir), timeoutMs);
  } catch (err) {
    return fallBack(options, `No OS keychain (${name}) is reachable: ${reasonOf(err)}`);
  }
  return createKeytarSecretStore(keychain, {
    dataDir: options.dataDir,
    service,
    timeoutMs,
    platform: options.platform,
  });
}

function fallBack(options: OpenSecretStoreOptions, why: string): SecretStore {
  const warning =
    `${why}. Sessions are kept in memory only: ` +
    'you will have to log in again after each restart of the spooler.';
  options.warn(warning);
  return createMemorySecretStore(warning);
}
