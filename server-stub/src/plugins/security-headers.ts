// Security headers on every answer: a JSON API needs no scripts, frames or sniffing. The set is the one
// @fastify/helmet produced with our options, written once as constants: helmet rebuilt it on every request,
// which halved the throughput of a small authenticated GET (see the server bench). The docs UI sets its own
// narrower CSP on its pages, after this hook.
import type { FastifyInstance } from 'fastify';

/** Every answer's security headers (names lower-case, as Node sends them). */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'content-security-policy': "default-src 'none';frame-ancestors 'none';base-uri 'none';form-action 'none'",
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'origin-agent-cluster': '?1',
  'referrer-policy': 'no-referrer',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-dns-prefetch-control': 'off',
  'x-download-options': 'noopen',
  'x-frame-options': 'SAMEORIGIN',
  'x-permitted-cross-domain-policies': 'none',
  'x-xss-protection': '0',
  // Answers carry tokens and personal data: no cache may keep them.
  'cache-control': 'no-store',
});

/** Sets the headers first thing on every request, so even an early refusal carries them. */
export async function registerSecurityHeaders(app: FastifyInstance): Promise<void> {
  app.addHook('onRequest', (_request, reply, done) => {
    reply.headers(SECURITY_HEADERS);
    done();
  });
}
