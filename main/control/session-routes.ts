// The session routes of the control API: log in to the cloud server, log out, read the session state.
// Behind the same guard as every route (Host, Origin, the per-start secret). Without a configured server
// (--server-url) they answer 503.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Logger } from '../log/logger.js';
import { SESSION_ERROR_STATUS, SessionError } from '../session/session-error.js';
import type { DesktopSession } from '../session/desktop-session.js';
import { errorSchema } from './schemas.js';

/** What the session routes need: the session, or null when no cloud server is configured. */
export interface SessionRoutesOptions {
  session: Pick<DesktopSession, 'login' | 'logout' | 'state'> | null;
  log: Pick<Logger, 'info' | 'warn'>;
}

const userSchema = {
  type: ['object', 'null'],
  required: ['id', 'username', 'organizationId'],
  properties: { id: { type: 'string' }, username: { type: 'string' }, organizationId: { type: 'string' } },
} as const;

/** The session state as JSON. */
export const sessionStateSchema = {
  type: 'object',
  additionalProperties: false,
  required: [
    'loggedIn',
    'serverUrl',
    'user',
    'deviceId',
    'idleLogoutMinutes',
    'spoolingMode',
    'keychain',
    'lastActivity',
    'expiresAt',
  ],
  properties: {
    loggedIn: { type: 'boolean' },
    serverUrl: { type: 'string' },
    user: userSchema,
    deviceId: { type: ['string', 'null'] },
    idleLogoutMinutes: { type: ['number', 'null'] },
    spoolingMode: { type: ['string', 'null'] },
    keychain: {
      type: 'object',
      required: ['kind', 'warning'],
      properties: { kind: { type: 'string' }, warning: { type: ['string', 'null'] } },
    },
    lastActivity: { type: ['string', 'null'] },
    expiresAt: { type: ['string', 'null'] },
  },
} as const;

const loginBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['username', 'password'],
  properties: {
    username: { type: 'string', minLength: 1, maxLength: 256 },
    password: { type: 'string', minLength: 1, maxLength: 1024 },
  },
} as const;

const NO_SERVER = {
  error: 'no-server',
  message:
    'No cloud server is configured: start one (npm run server) and restart the spooler with --server-url URL ' +
    '(or CPS_SERVER_URL, or "serverUrl" in the config file).',
};

/** Registers the session routes. */
export function registerSessionRoutes(app: FastifyInstance, options: SessionRoutesOptions): void {
  const errors = {
    400: errorSchema,
    401: errorSchema,
    403: errorSchema,
    409: errorSchema,
    429: errorSchema,
    502: errorSchema,
    503: errorSchema,
  };
  const noServer = (reply: FastifyReply) => reply.code(503).send(NO_SERVER);

  app.get(
    '/v1/session',
    { schema: { response: { 200: sessionStateSchema, ...errors } } },
    async (_request, reply) => (options.session ? options.session.state() : noServer(reply)),
  );

  app.post<{ Body: { username: string; password: string } }>(
    '/v1/session/login',
    { schema: { body: loginBodySchema, response: { 200: sessionStateSchema, ...errors } } },
    async (request, reply) => {
      const session = options.session;
      if (!session) return noServer(reply);
      try {
        return await session.login(request.body.username, request.body.password);
      } catch (err) {
        if (!(err instanceof SessionError)) throw err;
        // The user name is not logged: a mistyped password sometimes lands in it.
        options.log.info('a login failed', { reason: err.code });
        return reply.code(SESSION_ERROR_STATUS[err.code]).send({ error: err.code, message: err.message });
      }
    },
  );

  app.post(
    '/v1/session/logout',
    { schema: { response: { 204: { type: 'null' }, ...errors } } },
    async (_request, reply) => {
      const session = options.session;
      if (!session) return noServer(reply);
      await session.logout('user');
      return reply.code(204).send();
    },
  );
}
