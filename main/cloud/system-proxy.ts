// The "system" proxy mode. Under plain Node (Linux, the headless daemon) the system proxy is what the
// environment says: http_proxy/HTTP_PROXY, https_proxy/HTTPS_PROXY, no_proxy/NO_PROXY, the convention of
// curl and most Unix tools. On Windows and macOS the OS keeps it elsewhere (WinINet, System Configuration,
// PAC files): there the Electron shell supplies it through SystemProxySource (Electron's
// session.resolveProxy), so nothing below main/electron/ needs Electron.

/** The proxies the OS names, in the shape of the environment variables; absent means direct. */
export interface SystemProxy {
  httpProxy?: string;
  httpsProxy?: string;
  noProxy?: string;
}

/** Where the system proxy comes from; asked again before each request, so a change applies at once. */
export type SystemProxySource = () => SystemProxy | Promise<SystemProxy>;

function pick(env: NodeJS.ProcessEnv, name: string): string | undefined {
  // The lowercase name wins, as in curl and undici.
  const value = env[name.toLowerCase()] ?? env[name.toUpperCase()];
  return value?.trim() ? value.trim() : undefined;
}

/** Reads the system proxy from environment variables. */
export function systemProxyFromEnv(env: NodeJS.ProcessEnv = process.env): SystemProxy {
  const out: SystemProxy = {};
  const http = pick(env, 'http_proxy');
  const https = pick(env, 'https_proxy');
  const no = pick(env, 'no_proxy');
  if (http) out.httpProxy = http;
  if (https) out.httpsProxy = https;
  if (no) out.noProxy = no;
  return out;
}

/** True when `no_proxy` exempts `target`: `*`, a host, a domain (`.example.com` or `example.com`), `host:port`. */
export function bypassesProxy(target: URL, noProxy: string | undefined): boolean {
  if (!noProxy) return false;
  const host = target.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = target.port || (target.protocol === 'https:' ? '443' : '80');
  for (const raw of noProxy.split(/[\s,]+/)) {
    const entry = raw.trim().toLowerCase();
    if (!entry) continue;
    if (entry === '*') return true;
    const m = /^\[?([^\]]+?)\]?(?::(\d+))?$/.exec(entry);
    if (!m?.[1]) continue;
    if (m[2] && m[2] !== port) continue;
    const name = m[1].replace(/^\*?\./, '');
    if (host === name || host.endsWith(`.${name}`)) return true;
  }
  return false;
}

/** The proxy URL the system names for `target`, or null for a direct connection. */
export function systemProxyFor(target: URL, system: SystemProxy): string | null {
  if (bypassesProxy(target, system.noProxy)) return null;
  // An https target falls back to the http proxy when only that one is named (what undici and most tools do).
  const url = target.protocol === 'https:' ? (system.httpsProxy ?? system.httpProxy) : system.httpProxy;
  if (!url) return null;
  // "proxy:3128" without a scheme is common in the environment; it means http.
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? url : `http://${url}`;
}
