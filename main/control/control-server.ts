// The control API on 127.0.0.1:5570: the app as a plugin-style factory (tests call inject()), and listen().
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import type { FastifyError, FastifyInstance } from 'fastify';
import type { Logger } from '../log/logger.js';
import type { JobStore } from '../spool/job-store.js';
import { registerEventsRoute } from './events.js';
import { registerJobsRoutes } from './jobs-routes.js';
import { PUBLIC_ROUTES } from './public-routes.js';
import { createRequestGuard } from './request-guard.js';
import { registerSessionRoutes } from './session-routes.js';
import type { SessionRoutesOptions } from './session-routes.js';

/** What the control API needs. */
export interface ControlServerOptions {
  store: JobStore;
  token: string;
  log: Logger;
  version: string;
  maxUploadBytes: number;
  allowedOrigins?: readonly string[];
  owner: () => string;
  /** The ports of every listener, for `/v1/health`. */
  ports: () => Record<string, number>;
  /** The desktop session, or null/absent when no cloud server is configured (the session routes answer 503). */
  session?: SessionRoutesOptions['session'];
  /** The server id of the logged-in user, for jobs submitted here (their ownerId). */
  ownerId?: () => string | null;
  /** Called for every request that passed the guard with the secret: user activity (idle logout). */
  onActivity?: () => void;
}

const routeTables = new WeakMap<FastifyInstance, string[]>();

/** `METHOD /url` of every route of a control app, as registered (the route table test walks it). */
export function registeredRoutes(app: FastifyInstance): readonly string[] {
  return routeTables.get(app) ?? [];
}

/** Builds the control API (not listening yet). */
export function createControlApp(options: ControlServerOptions): FastifyInstance {
  let port = 0;
  const routes: string[] = [];
  const app = Fastify({
    logger: false,
    exposeHeadRoutes: false,
    // Long ids reach the schema (400 with our JSON) instead of the router's 414.
    maxParamLength: 2048,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    // Unknown query parameters are refused, not silently dropped.
    ajv: { customOptions: { removeAdditional: false } },
    // Node refuses an HTTP/1.1 request without Host with a bare 400; we answer it with 421 like any wrong Host.
    serverFactory: (handler) => createServer({ requireHostHeader: false }, handler),
  });
  routeTables.set(app, routes);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routes.push(`${method} ${route.url}`);
  });
  app.addHook('onListen', async () => {
    port = (app.server.address() as AddressInfo).port;
  });
  app.addHook(
    'onRequest',
    createRequestGuard({
      port: () => port,
      token: options.token,
      allowedOrigins: options.allowedOrigins ?? [],
    }),
  );
  // Runs only when the guard let the request through (a hook that answers ends the chain).
  const onActivity = options.onActivity;
  if (onActivity)
    app.addHook('onRequest', async (request) => {
      if (!PUBLIC_ROUTES.includes(`${request.method} ${request.routeOptions.url ?? ''}`)) onActivity();
    });
  app.addHook('onSend', async (_request, reply) => {
    reply.header('cache-control', 'no-store');
    reply.header('x-content-type-options', 'nosniff');
  });

  app.setErrorHandler((error: FastifyError, _request, reply) => {
    if (error.validation) {
      return reply.code(400).send({ error: 'bad-request', message: error.message });
    }
    const status = error.statusCode ?? 500;
    if (status < 500)
      return reply.code(status).send({ error: error.code ?? 'bad-request', message: error.message });
    options.log.error('control API request failed', { error });
    return reply
      .code(500)
      .send({ error: 'internal', message: 'Something went wrong; the spooler log has the details.' });
  });
  app.setNotFoundHandler((_request, reply) =>
    reply.code(404).send({ error: 'not-found', message: 'There is no such route on the control API.' }),
  );

  app.get(
    '/v1/health',
    {
      schema: {
        response: {
          200: {
            type: 'object',
            required: ['status', 'version', 'ports'],
            properties: {
              status: { type: 'string' },
              version: { type: 'string' },
              ports: { type: 'object', additionalProperties: { type: 'integer' } },
            },
          },
        },
      },
    },
    async () => ({ status: 'ok', version: options.version, ports: options.ports() }),
  );
  registerJobsRoutes(app, {
    store: options.store,
    maxUploadBytes: options.maxUploadBytes,
    owner: options.owner,
    ...(options.ownerId ? { ownerId: options.ownerId } : {}),
    log: options.log,
  });
  registerEventsRoute(app, options.store);
  registerSessionRoutes(app, { session: options.session ?? null, log: options.log });
  return app;
}

/** Listens on loopback only; returns the bound port. */
export async function listenControl(app: FastifyInstance, port: number): Promise<number> {
  await app.listen({ host: '127.0.0.1', port });
  return (app.server.address() as AddressInfo).port;
}
