// What can go wrong between the spooler and the cloud server, said so that a user knows what to change: the
// proxy settings, the network, or nothing (try again). undici's own errors are translated here.

/** Kinds of failure; `message` says what to do. */
export type CloudHttpErrorCode =
  | 'proxy-settings'
  | 'proxy-auth-required'
  | 'proxy-auth-failed'
  | 'proxy-refused'
  | 'proxy-unreachable'
  | 'server-unreachable'
  | 'tls-untrusted'
  | 'timeout'
  | 'network';

/** A request to the cloud server failed before an answer of the server itself arrived. */
export class CloudHttpError extends Error {
  constructor(
    readonly code: CloudHttpErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'CloudHttpError';
  }
}

/** How a request left this machine: for messages and logs (no credentials in it). */
export interface RouteInfo {
  /** The server's origin. */
  origin: string;
  /** The proxy's URL without credentials, or null when connecting directly. */
  proxy: string | null;
  /** Whether proxy credentials were sent. */
  credentials: boolean;
}

const CONNECT_FAILURES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
]);
const TLS_FAILURE = /^(ERR_TLS_|ERR_SSL_|CERT_|DEPTH_ZERO_|SELF_SIGNED_|UNABLE_TO_|UND_ERR_PRX_TLS)/;

/** The proxy answered with `status` instead of letting the request through. */
export function proxyRefusal(status: number, route: RouteInfo): CloudHttpError {
  const proxy = route.proxy ?? 'the proxy';
  if (status === 407 || status === 401)
    return route.credentials
      ? new CloudHttpError(
          'proxy-auth-failed',
          `The proxy ${proxy} refused the user name or password: check them in the proxy settings.`,
        )
      : new CloudHttpError(
          'proxy-auth-required',
          `The proxy ${proxy} asks for a user name and password: set them in the proxy settings.`,
        );
  return new CloudHttpError(
    'proxy-refused',
    `The proxy ${proxy} refused to connect to the cloud server ${route.origin} (HTTP ${status}). ` +
      'Ask your network administrator whether the proxy allows it.',
  );
}

function codeOf(err: unknown): string | undefined {
  // undici sometimes wraps the socket's error; the first code found says most.
  for (let e: unknown = err, depth = 0; e && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code !== 'UND_ERR_ABORTED' && code !== 'UND_ERR_INVALID_ARG') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Translates an error thrown while sending a request or waiting for its answer. */
export function toCloudHttpError(err: unknown, route: RouteInfo): CloudHttpError {
  if (err instanceof CloudHttpError) return err;
  const message = err instanceof Error ? err.message : String(err);
  // The tunnel (CONNECT) was refused, or a forwarded request got 407: the proxy's answer, not the server's.
  const refused =
    /Proxy response \((\d{3})\) !== 200/.exec(message) ??
    /Proxy Authentication Required \((407)\)/.exec(message);
  if (refused?.[1]) return proxyRefusal(Number(refused[1]), route);
  const code = codeOf(err) ?? '';
  const via = route.proxy ? ` through the proxy ${route.proxy}` : '';
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT')
    return new CloudHttpError(
      'timeout',
      `The cloud server ${route.origin} did not answer in time${via}. Try again later; if it keeps happening, ` +
        'check the network and the proxy settings.',
    );
  if (TLS_FAILURE.test(code)) {
    const who = code === 'UND_ERR_PRX_TLS' ? `the proxy ${route.proxy}` : `the cloud server ${route.origin}`;
    return new CloudHttpError(
      'tls-untrusted',
      `The TLS certificate of ${who} ` +
        `is not trusted (${code}). If your network inspects HTTPS traffic, its certificate authority must be ` +
        'given to the spooler.',
    );
  }
  if (CONNECT_FAILURES.has(code))
    // Through a proxy, the only connection this machine opens is the one to the proxy.
    return route.proxy
      ? new CloudHttpError(
          'proxy-unreachable',
          `Cannot reach the proxy ${route.proxy} (${code}). Check the proxy settings and the network connection.`,
        )
      : new CloudHttpError(
          'server-unreachable',
          `Cannot reach the cloud server ${route.origin} (${code}). ` +
            'Check the server address and the network connection.',
        );
  return new CloudHttpError(
    'network',
    `The request to the cloud server ${route.origin} failed${via}: ${code || message}.`,
  );
}
