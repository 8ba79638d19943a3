// The one place that sends requests to the cloud server. Every request follows the proxy setting of the
// moment (none, system, manual with optional Basic credentials), request bodies stream (a 200 MB cloud-spool
// upload never sits in memory), and failures come back as CloudHttpError with a message a user can act on.
// Built on undici: ProxyAgent (CONNECT tunnels, Proxy-Authorization), backpressured streaming bodies.
import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import type { Logger } from '../log/logger.js';
import { SettingsError } from '../settings/settings-error.js';
import type { ProxyConfig } from '../settings/proxy-settings.js';
import { CloudHttpError, proxyRefusal, toCloudHttpError } from './cloud-http-error.js';
import { createRoute } from './proxy-route.js';
import type { Route, RouteOptions } from './proxy-route.js';
import { systemProxyFromEnv } from './system-proxy.js';
import type { SystemProxySource } from './system-proxy.js';

export { CloudHttpError } from './cloud-http-error.js';
export type { CloudHttpErrorCode } from './cloud-http-error.js';
export type { SystemProxy, SystemProxySource } from './system-proxy.js';
export { systemProxyFromEnv } from './system-proxy.js';

/** One request. `path` is relative to the base URL and starts with a slash. */
export interface CloudRequest {
  method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  headers?: Record<string, string>;
  /** Streams (and async iterables) are sent as they are read, with backpressure. */
  body?: string | Buffer | Uint8Array | Readable | AsyncIterable<Uint8Array>;
  signal?: AbortSignal;
}

/** The server's answer. The body must be consumed (`json()`, `text()`, iterated) or `dump()`ed. */
export interface CloudResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Dispatcher.ResponseData['body'];
}

/** Sends requests to one cloud server. */
export interface CloudHttpClient {
  request(req: CloudRequest): Promise<CloudResponse>;
  /** Lets requests in flight finish, then closes every connection. */
  close(): Promise<void>;
}

/** What the client needs. */
export interface CloudHttpClientOptions {
  /** The server, e.g. `https://cloud.example.com` (a path prefix is kept). */
  baseUrl: string;
  /** The proxy setting of the moment: SettingsStore.resolveProxy. */
  proxy: () => Promise<ProxyConfig>;
  /** The OS proxy for "system" mode; default: environment variables (see system-proxy.ts). */
  systemProxy?: SystemProxySource;
  /** Certificates to trust instead of Node's bundled roots. */
  ca?: RouteOptions['ca'];
  log?: Pick<Logger, 'debug' | 'warn' | 'addSecret'>;
  connectTimeoutMs?: number;
  /** Longest wait for the answer's headers after the request is sent. */
  headersTimeoutMs?: number;
  /** Longest pause between two pieces of the answer's body. */
  bodyTimeoutMs?: number;
}

/** A 401 with a Basic challenge: our server authenticates with Bearer tokens only, so this is a proxy's. */
function isBasicChallenge(header: string | string[] | undefined): boolean {
  const values = Array.isArray(header) ? header : header ? [header] : [];
  return values.some((v) => /^\s*basic\b/i.test(v));
}

function parseBaseUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new TypeError(`The cloud server address ${JSON.stringify(text)} is not a URL.`);
  }
  if (
    (url.protocol !== 'https:' && url.protocol !== 'http:') ||
    url.username ||
    url.password ||
    url.search ||
    url.hash
  )
    throw new TypeError(
      `The cloud server address ${JSON.stringify(text)} must be http(s)://host[:port][/path].`,
    );
  return url;
}

/** Creates the client; routes are built lazily and rebuilt when the proxy setting changes. */
export function createCloudHttpClient(options: CloudHttpClientOptions): CloudHttpClient {
  const base = parseBaseUrl(options.baseUrl);
  const prefix = base.pathname.replace(/\/+$/, '');
  const systemProxy = options.systemProxy ?? (() => systemProxyFromEnv());
  const routeOptions: RouteOptions = {
    ca: options.ca,
    connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
    headersTimeoutMs: options.headersTimeoutMs ?? 60_000,
    bodyTimeoutMs: options.bodyTimeoutMs ?? 60_000,
  };
  let current: { key: string; route: Route } | null = null;
  let closed = false;

  async function routeFor(): Promise<Route> {
    let config: ProxyConfig;
    try {
      config = await options.proxy();
    } catch (err) {
      if (err instanceof SettingsError) throw new CloudHttpError('proxy-settings', err.message);
      throw err;
    }
    const system = config.mode === 'system' ? await systemProxy() : {};
    // A digest, so that no second copy of the password is kept as a map key.
    const key = createHash('sha256')
      .update(JSON.stringify([config, system]))
      .digest('hex');
    if (current?.key === key) return current.route;
    const route = createRoute(base, config, system, routeOptions);
    for (const secret of route.secrets) options.log?.addSecret(secret);
    const old = current;
    current = { key, route };
    // Requests still running on the old route finish on it.
    if (old) void old.route.dispatcher.close().catch(() => undefined);
    return route;
  }

  return {
    async request(req) {
      if (closed) throw new Error('The cloud HTTP client is closed.');
      if (!req.path.startsWith('/')) throw new TypeError(`A request path must start with "/": ${req.path}`);
      const route = await routeFor();
      const via = route.proxy ? `proxy ${route.proxy}` : 'direct';
      const body =
        req.body === undefined ||
        typeof req.body === 'string' ||
        req.body instanceof Uint8Array ||
        req.body instanceof Readable
          ? req.body
          : Readable.from(req.body, { objectMode: false });
      let res: Dispatcher.ResponseData;
      try {
        res = await route.dispatcher.request({
          origin: route.origin,
          path: prefix + req.path,
          method: req.method,
          headers: req.headers,
          body,
          signal: req.signal,
        });
      } catch (err) {
        if (req.signal?.aborted) throw err; // the caller's own cancel: not a failure to explain
        const failure = toCloudHttpError(err, route);
        options.log?.warn('cloud request failed', {
          method: req.method,
          path: req.path,
          via,
          code: failure.code,
          message: failure.message,
        });
        throw failure;
      }
      // A forwarding proxy answers in the server's place; tinyproxy 1.11 uses 401 + Basic where RFC 9110 says
      // 407 (tinyproxy/tinyproxy#532).
      if (
        route.proxy &&
        (res.statusCode === 407 ||
          (res.statusCode === 401 && isBasicChallenge(res.headers['www-authenticate'])))
      ) {
        await res.body.dump();
        const failure = proxyRefusal(res.statusCode, route);
        options.log?.warn('cloud request failed', {
          method: req.method,
          path: req.path,
          via,
          code: failure.code,
          message: failure.message,
        });
        throw failure;
      }
      options.log?.debug('cloud request', {
        method: req.method,
        path: req.path,
        status: res.statusCode,
        via,
      });
      return { status: res.statusCode, headers: res.headers, body: res.body };
    },
    async close() {
      closed = true;
      await current?.route.dispatcher.close();
      current = null;
    },
  };
}
