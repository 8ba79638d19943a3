// The server as a Fastify app: storage, services and routes, but no listening (server.ts does that).
import { readFileSync } from 'node:fs';
import rateLimit from '@fastify/rate-limit';
import Fastify from 'fastify';
import type { FastifyInstance, FastifyServerOptions, RouteOptions } from 'fastify';
import type { AppContext } from './context.js';
import { openDatabase } from './db/database.js';
import { createAuthenticate } from './plugins/authenticate.js';
import { createAuthenticateDesktop } from './plugins/authenticate-desktop.js';
import { createAuthenticateDevice } from './plugins/authenticate-device.js';
import { registerErrorHandling } from './plugins/error-handler.js';
import { registerOpenApi } from './plugins/openapi.js';
import { registerSecurityHeaders } from './plugins/security-headers.js';
import { registerValidation } from './plugins/validation.js';
import { createDevicesRepository } from './repositories/devices-repository.js';
import { createJobLogsRepository } from './repositories/job-logs-repository.js';
import { createJobsRepository } from './repositories/jobs-repository.js';
import { createOrganizationsRepository } from './repositories/organizations-repository.js';
import { createSessionsRepository } from './repositories/sessions-repository.js';
import { createUsersRepository } from './repositories/users-repository.js';
import authRoutes from './routes/api/auth/index.js';
import deviceRoutes from './routes/api/devices/index.js';
import jobRoutes from './routes/api/jobs/index.js';
import usageRoutes from './routes/api/usage/index.js';
import meRoutes from './routes/api/me/index.js';
import organizationRoutes from './routes/api/organizations/index.js';
import userRoutes from './routes/api/users/index.js';
import { errorBodySchema } from './schemas/common.js';
import { createAccountAdmin } from './services/account-admin.js';
import { createAuthService, DEFAULT_LOCKOUT } from './services/auth-service.js';
import type { LockoutPolicy } from './services/auth-service.js';
import { bootstrapIfEmpty } from './services/bootstrap.js';
import type { BootstrapResult } from './services/bootstrap.js';
import { createDeviceService } from './services/device-service.js';
import { createJobService } from './services/job-service.js';
import { createKeyedMutex } from './services/keyed-mutex.js';
import { createPasswordHasher, DEFAULT_ARGON2_PARAMS } from './services/password-hasher.js';
import type { Argon2Params, PasswordHasher } from './services/password-hasher.js';
import { createSessionService, DEFAULT_SESSION_TIMEOUTS } from './services/session-service.js';
import type { SessionTimeouts } from './services/session-service.js';
import { createUserService } from './services/user-service.js';
import { createBlobStore } from './storage/blob-store.js';

/** Options of buildApp; everything but dataDir has a production default. */
export interface AppOptions {
  /** Folder of the SQLite database (created if missing). */
  dataDir: string;
  /** The first admin, used only when the database holds no organization yet. */
  admin?: {
    username?: string | undefined;
    password?: string | undefined;
    organizationName?: string | undefined;
  };
  /** Milliseconds since the epoch; tests inject a fake clock. */
  now?: () => number;
  lockout?: Partial<LockoutPolicy>;
  sessions?: Partial<SessionTimeouts>;
  argon2?: Argon2Params;
  /** Replaces the argon2 hasher (tests count verifications with it). */
  passwordHasher?: PasswordHasher;
  /** Login attempts per client IP per window (beside the per-account lockout). */
  loginRateLimit?: { max: number; timeWindowMs: number };
  logger?: FastifyServerOptions['logger'];
  /** Passed to Fastify: set when behind a reverse proxy so the rate limit sees client IPs. */
  trustProxy?: boolean;
  /** The largest job document accepted, in bytes (default 1 GiB). */
  maxDocumentBytes?: number;
  /** Milliseconds between retention sweeps of waiting jobs (default 10 minutes). */
  sweepIntervalMs?: number;
  /** Passed to Fastify when serving HTTPS itself. */
  https?: { cert: Buffer; key: Buffer } | null;
}

/** Defaults of the per-IP login throttle. */
export const DEFAULT_LOGIN_RATE_LIMIT = Object.freeze({ max: 10, timeWindowMs: 60_000 });

/** The default limit of a job's document. */
export const DEFAULT_MAX_DOCUMENT_BYTES = 1024 ** 3;

declare module 'fastify' {
  interface FastifyInstance {
    /** What the first start created, or null when the database was already set up. */
    bootstrap: BootstrapResult | null;
  }
}

const VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/** Refuses to register an API route without a response schema (and a body schema where a body is read). */
function requireSchemas(route: RouteOptions): void {
  if (!route.url.startsWith('/api/')) return;
  const methods = ([] as string[]).concat(route.method);
  if (!route.schema?.response) throw new Error(`${methods.join(',')} ${route.url} has no response schema.`);
  // A binary body (a streamed document) is declared with `consumes` instead of a JSON schema.
  const binary = Array.isArray(route.schema.consumes) && route.schema.consumes.length > 0;
  if (methods.some((m) => ['PUT', 'PATCH'].includes(m)) && !route.schema.body && !binary) {
    throw new Error(`${methods.join(',')} ${route.url} has no body schema.`);
  }
}

/** Builds the app: opens and migrates the database, bootstraps on first start, registers every route. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const now = options.now ?? Date.now;
  const db = openDatabase(options.dataDir);
  const app = Fastify({
    logger: options.logger ?? false,
    trustProxy: options.trustProxy ?? false,
    bodyLimit: 64 * 1024,
    ...(options.https ? { https: options.https } : {}),
  }) as unknown as FastifyInstance;
  app.addHook('onClose', async () => {
    db.close();
  });

  try {
    const organizations = createOrganizationsRepository(db);
    const users = createUsersRepository(db);
    const hasher = options.passwordHasher ?? createPasswordHasher(options.argon2 ?? DEFAULT_ARGON2_PARAMS);
    const sessionTimeouts = { ...DEFAULT_SESSION_TIMEOUTS, ...options.sessions };
    const sessions = createSessionService({
      sessions: createSessionsRepository(db),
      timeouts: sessionTimeouts,
      now,
    });
    const devices = createDevicesRepository(db);
    const deviceService = createDeviceService({ db, devices, now });
    const jobLogs = createJobLogsRepository(db);
    const jobService = createJobService({
      jobs: createJobsRepository(db),
      logs: jobLogs,
      transaction: (fn) => db.transaction(fn)(),
      blobs: await createBlobStore(options.dataDir),
      mutex: createKeyedMutex(),
      now,
    });
    const sweep = setInterval(
      () => {
        jobService.sweep().catch((err: unknown) => app.log.error({ err }, 'the retention sweep failed'));
      },
      options.sweepIntervalMs ?? 10 * 60_000,
    );
    sweep.unref();
    app.addHook('onClose', async () => clearInterval(sweep));
    const ctx: AppContext = {
      db,
      organizations,
      users,
      hasher,
      sessions,
      userService: createUserService({ users, hasher, now }),
      accountAdmin: createAccountAdmin({ users, organizations, sessions }),
      sessionTimeouts,
      now,
      auth: createAuthService({
        users,
        hasher,
        mutex: createKeyedMutex(),
        lockout: { ...DEFAULT_LOCKOUT, ...options.lockout },
        now,
      }),
      devices,
      deviceService,
      authenticate: createAuthenticate({ sessions, users, organizations }),
      authenticateDevice: createAuthenticateDevice({ devices: deviceService }),
      authenticateDesktop: createAuthenticateDesktop({ devices: deviceService }),
      jobService,
      jobLogs,
      maxDocumentBytes: options.maxDocumentBytes ?? DEFAULT_MAX_DOCUMENT_BYTES,
      loginRateLimit: options.loginRateLimit ?? DEFAULT_LOGIN_RATE_LIMIT,
    };

    app.decorate(
      'bootstrap',
      await bootstrapIfEmpty({ db, organizations, users, hasher, now, admin: options.admin ?? {} }),
    );
    app.decorateRequest('auth', null);
    app.decorateRequest('device', null);
    app.addSchema(errorBodySchema);
    registerValidation(app);
    registerErrorHandling(app);
    await registerSecurityHeaders(app);
    await app.register(rateLimit, {
      global: false,
      errorResponseBuilder: (_request, context) => ({
        statusCode: context.statusCode,
        message: `Too many attempts from this address; try again in ${context.after}.`,
      }),
    });
    await registerOpenApi(app, VERSION);
    app.addHook('onRoute', requireSchemas);

    await app.register(authRoutes, { prefix: '/api/v1/auth', ctx });
    await app.register(meRoutes, { prefix: '/api/v1', ctx });
    await app.register(organizationRoutes, { prefix: '/api/v1/organizations', ctx });
    await app.register(userRoutes, { prefix: '/api/v1/users', ctx });
    await app.register(deviceRoutes, { prefix: '/api/v1/devices', ctx });
    await app.register(jobRoutes, { prefix: '/api/v1/jobs', ctx });
    await app.register(usageRoutes, { prefix: '/api/v1', ctx });
    return app;
  } catch (err) {
    await app.close();
    throw err;
  }
}
