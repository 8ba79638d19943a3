// The proxy setting: how every request to the cloud server leaves this machine (whitepaper Table 2-1: the
// desktop keeps the proxy settings of its network). Three shapes of it: what a user asks for, what the file
// and the UI see (no password, only whether one is set), and what the HTTP client gets (with the password).
import { SettingsError } from './settings-error.js';

/** What a user asks for. `password`: a string sets it, null removes it, absent keeps the one already set. */
export type ProxyInput =
  | { mode: 'none' }
  | { mode: 'system' }
  | { mode: 'manual'; url: string; username?: string; password?: string | null };

/** The setting as stored in the settings file and shown in the UI: the password itself is in the SecretStore. */
export type ProxyView =
  | { mode: 'none' }
  | { mode: 'system' }
  | { mode: 'manual'; url: string; username?: string; passwordSet: boolean };

/** What the HTTP client needs. */
export type ProxyConfig =
  | { mode: 'none' }
  | { mode: 'system' }
  | { mode: 'manual'; url: string; username?: string; password?: string };

/** New installs follow the operating system's proxy, like a browser does. */
export const DEFAULT_PROXY: ProxyView = { mode: 'system' };

const MAX_USERNAME = 256;
const MAX_PASSWORD = 1024;
// Control characters would break the Proxy-Authorization header or forge a log line.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;
// scheme://host:port with an explicit port and nothing after it but an optional slash.
const PROXY_URL = /^(https?):\/\/(\[[0-9a-fA-F:.]+\]|[^\s/:?#@[\]]+):(\d{1,5})\/?$/i;

function invalid(message: string): SettingsError {
  return new SettingsError('invalid-setting', message);
}

function checkKeys(value: Record<string, unknown>, allowed: string[], mode: string): void {
  for (const key of Object.keys(value))
    if (!allowed.includes(key))
      throw invalid(
        `proxy has an unknown property "${key}"; for mode "${mode}" it may have: ${allowed.join(', ')}.`,
      );
}

/** Checks and normalizes a proxy URL to `scheme://host:port` (lowercase host, no trailing slash). */
export function normalizeProxyUrl(value: unknown): string {
  if (typeof value !== 'string')
    throw invalid('proxy.url must be a string such as "http://proxy.example.com:3128".');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid(`proxy.url is not a URL: give it as http://host:port or https://host:port.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw invalid('proxy.url must start with http:// or https:// (SOCKS proxies are not supported).');
  if (url.username || url.password)
    throw invalid(
      'proxy.url must not contain a user name or password: give them as proxy.username and proxy.password, ' +
        'so that the password is kept in the OS keychain.',
    );
  const m = PROXY_URL.exec(value.trim());
  if (!m) {
    if (url.pathname !== '/' || url.search || url.hash)
      throw invalid(
        'proxy.url must be only scheme, host and port, e.g. http://proxy.example.com:3128 (no path).',
      );
    throw invalid("proxy.url must name the proxy's port, e.g. http://proxy.example.com:3128.");
  }
  const port = Number(m[3]);
  if (port < 1 || port > 65535) throw invalid('proxy.url has a port outside 1-65535.');
  return `${url.protocol}//${url.hostname}:${port}`;
}

function checkUsername(value: unknown): string {
  if (
    typeof value !== 'string' ||
    value.length === 0 ||
    value.length > MAX_USERNAME ||
    /[:]/.test(value) ||
    CONTROL.test(value)
  )
    throw invalid(
      `proxy.username must be 1-${MAX_USERNAME} characters without a colon or control characters.`,
    );
  return value;
}

function checkPassword(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_PASSWORD || CONTROL.test(value))
    throw invalid(
      `proxy.password must be 1-${MAX_PASSWORD} characters without control characters (or null to remove it).`,
    );
  return value;
}

function checkMode(value: unknown): Record<string, unknown> & { mode: 'none' | 'system' | 'manual' } {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw invalid('proxy must be an object such as { "mode": "system" }.');
  const mode = (value as Record<string, unknown>).mode;
  if (mode !== 'none' && mode !== 'system' && mode !== 'manual')
    throw invalid('proxy.mode must be "none", "system" or "manual".');
  return value as Record<string, unknown> & { mode: 'none' | 'system' | 'manual' };
}

/** Validates what a user asks for; unknown properties and wrong types are refused, nothing is coerced. */
export function parseProxyInput(value: unknown): ProxyInput {
  const v = checkMode(value);
  if (v.mode !== 'manual') {
    checkKeys(v, ['mode'], v.mode);
    return { mode: v.mode };
  }
  checkKeys(v, ['mode', 'url', 'username', 'password'], 'manual');
  const out: ProxyInput = { mode: 'manual', url: normalizeProxyUrl(v.url) };
  if (v.username !== undefined) out.username = checkUsername(v.username);
  if (v.password === null) out.password = null;
  else if (v.password !== undefined) {
    out.password = checkPassword(v.password);
    if (out.username === undefined) throw invalid('proxy.password needs a proxy.username.');
  }
  return out;
}

/** Validates the setting as read from the settings file. */
export function parseProxyView(value: unknown): ProxyView {
  const v = checkMode(value);
  if (v.mode !== 'manual') {
    checkKeys(v, ['mode'], v.mode);
    return { mode: v.mode };
  }
  checkKeys(v, ['mode', 'url', 'username', 'passwordSet'], 'manual');
  if (typeof v.passwordSet !== 'boolean') throw invalid('proxy.passwordSet must be true or false.');
  const out: ProxyView = { mode: 'manual', url: normalizeProxyUrl(v.url), passwordSet: v.passwordSet };
  if (v.username !== undefined) out.username = checkUsername(v.username);
  if (out.passwordSet && out.username === undefined)
    throw invalid('proxy.passwordSet needs a proxy.username.');
  return out;
}
