// The core's settings: one JSON file in the data dir, replaced atomically (temp file, fsync, rename, fsync of
// the folder, as the spool does). Secrets never go in it: the proxy password lives in the SecretStore and the
// file only says that one is set.
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import type { SecretStore } from '../session/secret-store.js';
import { writeFileAtomic } from '../spool/atomic-file.js';
import { READ_NOFOLLOW, nodeFileSystem } from '../spool/file-system.js';
import type { FileSystem } from '../spool/file-system.js';
import { DEFAULT_PROXY, parseProxyInput, parseProxyView } from './proxy-settings.js';
import type { ProxyConfig, ProxyView } from './proxy-settings.js';
import { SettingsError } from './settings-error.js';

/** File name of the settings inside the data dir. */
export const SETTINGS_FILE = 'settings.json';
/** SecretStore key of the manual proxy's password. */
export const PROXY_PASSWORD_KEY = 'proxy-password';
/** Version of the file format; a file from a newer version is refused rather than misread. */
const FORMAT_VERSION = 1;
/** A settings file is small; anything bigger is not ours. */
const MAX_FILE_BYTES = 64 * 1024;

/** Every setting the store holds (no secrets). */
export interface Settings {
  proxy: ProxyView;
}

/** The settings of one data dir. */
export interface SettingsStore {
  /** A copy of the current settings. */
  get(): Settings;
  /** Validates and saves a proxy setting (see ProxyInput); answers the setting as the UI shows it. */
  setProxy(input: unknown): Promise<ProxyView>;
  /** The proxy setting with its password, for the HTTP client (kept in memory after the first read). */
  resolveProxy(): Promise<ProxyConfig>;
}

/** What the store needs. */
export interface SettingsStoreDeps {
  dataDir: string;
  secrets: SecretStore;
  fs?: FileSystem;
}

function damaged(path: string, detail: string): SettingsError {
  return new SettingsError(
    'settings-file-damaged',
    `The settings file ${path} cannot be used: ${detail}. Fix it, or delete it to start from the default settings.`,
  );
}

async function readSettings(path: string): Promise<Settings> {
  let text: string;
  try {
    const handle = await fsp.open(path, READ_NOFOLLOW);
    try {
      const { size } = await handle.stat();
      if (size > MAX_FILE_BYTES) throw damaged(path, `it is larger than ${MAX_FILE_BYTES} bytes`);
      text = await handle.readFile('utf8');
    } finally {
      await handle.close();
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { proxy: DEFAULT_PROXY };
    if (err instanceof SettingsError) throw err;
    throw damaged(path, `it cannot be read (${(err as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw damaged(path, 'it is not JSON');
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw damaged(path, 'it is not a JSON object');
  const { version, proxy, ...rest } = json as Record<string, unknown>;
  if (version !== FORMAT_VERSION)
    throw damaged(
      path,
      `its version is ${JSON.stringify(version)}, this spooler reads version ${FORMAT_VERSION}`,
    );
  const unknown = Object.keys(rest);
  if (unknown.length > 0) throw damaged(path, `it has unknown settings: ${unknown.join(', ')}`);
  try {
    return { proxy: proxy === undefined ? DEFAULT_PROXY : parseProxyView(proxy) };
  } catch (err) {
    throw damaged(path, (err as Error).message.replace(/\.$/, ''));
  }
}

/** Opens the settings of `dataDir` (defaults when there is no file yet; a damaged file is an error). */
export async function openSettingsStore(deps: SettingsStoreDeps): Promise<SettingsStore> {
  const fs = deps.fs ?? nodeFileSystem;
  const path = join(deps.dataDir, SETTINGS_FILE);
  const tempPath = `${path}.tmp`;
  let current = await readSettings(path);
  let resolved: ProxyConfig | null = null;
  // One change at a time: each one reads the state the previous one left.
  let queue: Promise<unknown> = Promise.resolve();

  async function save(next: Settings): Promise<void> {
    // A temp file left by a crash mid-write: ours to remove (the data dir lock keeps other spoolers out).
    await fsp.unlink(tempPath).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
    const text = `${JSON.stringify({ version: FORMAT_VERSION, ...next }, null, 2)}\n`;
    await writeFileAtomic(fs, path, tempPath, text, { mode: 0o600 });
  }

  async function applyProxy(raw: unknown): Promise<ProxyView> {
    const input = parseProxyInput(raw);
    const prev = current.proxy;
    const hadPassword = prev.mode === 'manual' && prev.passwordSet;
    let next: ProxyView;
    let password: string | null = null; // the new password to save, if any
    if (input.mode !== 'manual') next = { mode: input.mode };
    else {
      // Kept only for the same proxy and user: credentials typed for one proxy are never sent to another.
      const keep =
        input.password === undefined &&
        hadPassword &&
        prev.url === input.url &&
        prev.username === input.username;
      if (typeof input.password === 'string') password = input.password;
      next = { mode: 'manual', url: input.url, passwordSet: password !== null || keep };
      if (input.username !== undefined) next.username = input.username;
    }

    if (password !== null) {
      const before = hadPassword ? await deps.secrets.get(PROXY_PASSWORD_KEY) : null;
      await deps.secrets.set(PROXY_PASSWORD_KEY, password);
      try {
        await save({ ...current, proxy: next });
      } catch (err) {
        // The file still describes the old setting: put the old password back with it.
        await (
          before === null
            ? deps.secrets.delete(PROXY_PASSWORD_KEY)
            : deps.secrets.set(PROXY_PASSWORD_KEY, before)
        ).catch(() => undefined);
        throw err;
      }
    } else {
      const drop = hadPassword && !(next.mode === 'manual' && next.passwordSet);
      // Removed first: should the file write then fail, the file claims a password that is gone, and the
      // user is asked for it again, rather than the keychain keeping a password the file has forgotten.
      if (drop) await deps.secrets.delete(PROXY_PASSWORD_KEY);
      await save({ ...current, proxy: next });
    }
    current = { ...current, proxy: next };
    resolved = null;
    return structuredClone(next);
  }

  return {
    get: () => structuredClone(current),
    setProxy(raw) {
      const run = queue.then(() => applyProxy(raw));
      queue = run.catch(() => undefined);
      return run;
    },
    async resolveProxy() {
      if (resolved) return structuredClone(resolved);
      const view = current.proxy;
      if (view.mode !== 'manual') return { mode: view.mode };
      const config: ProxyConfig = { mode: 'manual', url: view.url };
      if (view.username !== undefined) config.username = view.username;
      if (view.passwordSet) {
        const password = await deps.secrets.get(PROXY_PASSWORD_KEY);
        if (password === null)
          throw new SettingsError(
            'proxy-password-missing',
            deps.secrets.kind === 'memory'
              ? 'The proxy password was kept in memory only (there is no OS keychain) and was lost when the ' +
                  'spooler restarted: enter it again in the proxy settings.'
              : 'The proxy password is missing from the OS keychain: enter it again in the proxy settings.',
          );
        config.password = password;
      }
      if (view === current.proxy) resolved = config;
      return structuredClone(config);
    },
  };
}
