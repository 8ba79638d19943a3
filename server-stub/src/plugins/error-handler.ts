// One error shape for every route: `{ error, message }`; 5xx answers hide what went wrong.
import type { FastifyError, FastifyInstance } from 'fastify';
import { HttpError } from '../errors.js';
import type { ErrorBody } from '../schemas/common.js';

const CODES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'too_many_requests',
};

/** Installs the error and not-found handlers on the root instance. */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | HttpError, request, reply) => {
    if ('validation' in err && err.validation) {
      const body: ErrorBody = { error: 'bad_request', message: `Invalid request: ${err.message}` };
      return reply.code(400).send(body);
    }
    const status = err.statusCode ?? 500;
    if (status < 400 || status >= 500) {
      request.log.error({ err }, 'request failed');
      const body: ErrorBody = { error: 'internal', message: 'The server failed; the error was logged.' };
      return reply.code(500).send(body);
    }
    const code = err instanceof HttpError ? err.code : (CODES[status] ?? 'client_error');
    const body: ErrorBody = { error: code, message: err.message };
    return reply.code(status).send(body);
  });

  app.setNotFoundHandler((request, reply) => {
    const body: ErrorBody = {
      error: 'not_found',
      message: `No route ${request.method} ${request.url.split('?')[0]}.`,
    };
    return reply.code(404).send(body);
  });
}
