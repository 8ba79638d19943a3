// Turns the proxy setting into an undici dispatcher: a plain Agent, or a ProxyAgent that forwards plain http
// requests (`GET http://host/path`, which proxies that allow CONNECT only to port 443 still accept) and
// tunnels https with CONNECT, so TLS runs end to end between the spooler and the server.
import { Agent, Pool, ProxyAgent } from 'undici';
import type { Dispatcher } from 'undici';
import type { ProxyConfig } from '../settings/proxy-settings.js';
import type { RouteInfo } from './cloud-http-error.js';
import { systemProxyFor } from './system-proxy.js';
import type { SystemProxy } from './system-proxy.js';

/** TLS trust and time limits shared by every route. */
export interface RouteOptions {
  /** Certificates to trust instead of Node's bundled roots (a private CA, a test server's certificate). */
  ca?: string | Buffer | Array<string | Buffer>;
  connectTimeoutMs: number;
  headersTimeoutMs: number;
  bodyTimeoutMs: number;
}

/** A dispatcher and how it leaves the machine. `secrets` are credentials in it, for the log's redaction. */
export interface Route extends RouteInfo {
  dispatcher: Dispatcher;
  secrets: string[];
}

/** Basic proxy credentials (RFC 7617) as a Proxy-Authorization value. */
function basic(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}

function viaProxy(
  origin: string,
  proxyUrl: URL,
  credentials: { username: string; password: string } | null,
  options: RouteOptions,
): Route {
  const tls = options.ca === undefined ? {} : { ca: options.ca };
  const limits = { headersTimeout: options.headersTimeoutMs, bodyTimeout: options.bodyTimeoutMs };
  const dispatcher = new ProxyAgent({
    uri: `${proxyUrl.protocol}//${proxyUrl.host}`,
    ...(credentials ? { token: basic(credentials.username, credentials.password) } : {}),
    proxyTunnel: false,
    proxyTls: { ...tls, timeout: options.connectTimeoutMs },
    requestTls: tls,
    ...limits,
    // Every pool gets the time limits: to the proxy for CONNECT (clientFactory), and for forwarded requests
    // and through the tunnels (factory). Without them a proxy that never answers a CONNECT hangs for minutes.
    clientFactory: (o, opts) => new Pool(o, { ...opts, ...limits }),
    factory: (o, opts) => new Pool(o, { ...opts, ...limits }),
  });
  return {
    dispatcher,
    origin,
    proxy: `${proxyUrl.protocol}//${proxyUrl.host}`,
    credentials: credentials !== null,
    secrets: credentials?.password ? [credentials.password] : [],
  };
}

/** Builds the route to `origin` for a proxy setting (and, in "system" mode, what the system names). */
export function createRoute(
  origin: URL,
  config: ProxyConfig,
  system: SystemProxy,
  options: RouteOptions,
): Route {
  if (config.mode === 'manual') {
    const credentials =
      config.username === undefined ? null : { username: config.username, password: config.password ?? '' };
    return viaProxy(origin.origin, new URL(config.url), credentials, options);
  }
  if (config.mode === 'system') {
    const named = systemProxyFor(origin, system);
    if (named) {
      const url = new URL(named);
      // Credentials in the variable (http://user:pass@proxy:3128) are sent, and kept out of logs.
      const credentials = url.username
        ? { username: decodeURIComponent(url.username), password: decodeURIComponent(url.password) }
        : null;
      return viaProxy(origin.origin, url, credentials, options);
    }
  }
  const dispatcher = new Agent({
    connect: { ...(options.ca === undefined ? {} : { ca: options.ca }), timeout: options.connectTimeoutMs },
    headersTimeout: options.headersTimeoutMs,
    bodyTimeout: options.bodyTimeoutMs,
  });
  return { dispatcher, origin: origin.origin, proxy: null, credentials: false, secrets: [] };
}
