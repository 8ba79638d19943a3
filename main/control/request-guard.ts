// The first gate of every control API request: Host (DNS rebinding), Origin (cross-site pages) and the bearer
// secret. Runs before routing decisions have side effects; refusals are JSON.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isAuthorized } from './control-token.js';
import { PUBLIC_ROUTES } from './public-routes.js';

/** What the guard needs to know. */
export interface GuardOptions {
  port: () => number;
  token: string;
  allowedOrigins: readonly string[];
}

/** True when the Host header names this server on loopback exactly (CUPS and Transmission do the same). */
export function isAllowedHost(host: string | undefined, port: number): boolean {
  if (host === undefined) return false;
  const h = host.toLowerCase();
  return h === `127.0.0.1:${port}` || h === `localhost:${port}`;
}

/** Creates the onRequest hook. */
export function createRequestGuard(options: GuardOptions) {
  const origins = new Set(options.allowedOrigins);
  return async function guard(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const headers = request.raw.headers;
    if (!isAllowedHost(headers.host, options.port())) {
      await reply.code(421).send({
        error: 'misdirected-request',
        message: 'This server only answers requests addressed to 127.0.0.1 or localhost on its own port.',
      });
      return reply;
    }
    const origin = headers.origin;
    if (origin !== undefined && !origins.has(origin)) {
      await reply.code(403).send({
        error: 'forbidden-origin',
        message: 'Requests from web pages are not allowed on the control API.',
      });
      return reply;
    }
    const route = `${request.method} ${request.routeOptions.url ?? ''}`;
    if (PUBLIC_ROUTES.includes(route)) return;
    if (!isAuthorized(headers.authorization, options.token)) {
      await reply.code(401).header('www-authenticate', 'Bearer').send({
        error: 'unauthorized',
        message: 'Send the secret from <data-dir>/control-token as a bearer token.',
      });
      return reply;
    }
  };
}
