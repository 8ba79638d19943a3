// The server as a Fastify app: storage, services and routes, but no listening (server.ts does that).
import { readFileSync } from 'node:fs';
import rateLimit from '@fastify/rate-limit';
import Fastify, { LogController } from 'fastify';
import type { FastifyInstance, FastifyServerOptions, RouteOptions } from 'fastify';
import type { AppContext } from './context.js';
import { openDatabase } from './db/database.js';
import { createAuthenticate } from './plugins/authenticate.js';
import { createAuthenticateDesktop } from './plugins/authenticate-desktop.js';
import { createAuthenticateDevice } from './plugins/authenticate-device.js';
import {
  createAuthenticateMfpDevice,
  createAuthenticateMfpSession,
} from './plugins/authenticate-mfp-session.js';
import { registerErrorHandling } from './plugins/error-handler.js';
import { registerOpenApi } from './plugins/openapi.js';
import { registerSecurityHeaders } from './plugins/security-headers.js';
import { registerValidation } from './plugins/validation.js';
import { createCardsRepository } from './repositories/cards-repository.js';
import { createDevicesRepository } from './repositories/devices-repository.js';
import { createJobLogsRepository } from './repositories/job-logs-repository.js';
import { createJobsRepository } from './repositories/jobs-repository.js';
import { createMfpSessionsRepository } from './repositories/mfp-sessions-repository.js';
import { createOrganizationsRepository } from './repositories/organizations-repository.js';
import { createContractReportsRepository } from './repositories/contract-reports-repository.js';
import { createOrganizationPoliciesRepository } from './repositories/organization-policies-repository.js';
import { createUserQuotasRepository } from './repositories/user-quotas-repository.js';
import { createPinsRepository } from './repositories/pins-repository.js';
import { createSessionsRepository } from './repositories/sessions-repository.js';
import { createUsersRepository } from './repositories/users-repository.js';
import authRoutes from './routes/api/auth/index.js';
import cardRoutes from './routes/api/cards/index.js';
import deviceRoutes from './routes/api/devices/index.js';
import jobRoutes from './routes/api/jobs/index.js';
import mfpJobRoutes from './routes/api/mfp-jobs/index.js';
import ticketRoutes from './routes/api/tickets/index.js';
import usageRoutes from './routes/api/usage/index.js';
import meRoutes from './routes/api/me/index.js';
import mfpRoutes from './routes/api/mfp/index.js';
import organizationRoutes from './routes/api/organizations/index.js';
import pinRoutes from './routes/api/pins/index.js';
import userRoutes from './routes/api/users/index.js';
import policyRoutes from './routes/api/policies/index.js';
import quotaRoutes from './routes/api/quotas/index.js';
import reportRoutes from './routes/api/reports/index.js';
import { errorBodySchema } from './schemas/common.js';
import { createAccountAdmin } from './services/account-admin.js';
import { createOrganizationDeletion } from './services/organization-deletion.js';
import { createAuthService, DEFAULT_LOCKOUT } from './services/auth-service.js';
import type { LockoutPolicy } from './services/auth-service.js';
import { bootstrapIfEmpty } from './services/bootstrap.js';
import { CARD_KEY_FILE, createCardService } from './services/card-service.js';
import { createCredentialAccess } from './services/credential-access.js';
import type { BootstrapResult } from './services/bootstrap.js';
import { createDeviceService } from './services/device-service.js';
import { createJobService } from './services/job-service.js';
import { createKeyedMutex } from './services/keyed-mutex.js';
import { createMfpAuth } from './services/mfp-auth.js';
import { createMfpSessionService, DEFAULT_MFP_SESSION_TIMEOUTS } from './services/mfp-session-service.js';
import { createPasswordHasher, DEFAULT_ARGON2_PARAMS } from './services/password-hasher.js';
import type { Argon2Params, PasswordHasher } from './services/password-hasher.js';
import { createPinSecrets, PIN_PEPPER_FILE, PIN_SEAL_FILE } from './services/pin-secrets.js';
import { createPinService } from './services/pin-service.js';
import { createSessionService, DEFAULT_SESSION_TIMEOUTS } from './services/session-service.js';
import type { SessionTimeouts } from './services/session-service.js';
import { createTicketSigner } from './services/ticket-signer.js';
import { createUserService } from './services/user-service.js';
import { createOrganizationPolicyService } from './services/organization-policy-service.js';
import { createQuotaService } from './services/quota-service.js';
import { createBlobStore } from './storage/blob-store.js';
import { loadOrCreateSecretKey } from './storage/secret-key-file.js';

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
  /** Idle timeout and absolute lifetime of MFP user sessions (default 5 minutes and 1 hour). */
  mfpSessions?: Partial<SessionTimeouts>;
  /** Login attempts per MFP per window on POST /api/v1/mfp/login (beside the per-account lockout). */
  mfpLoginRateLimit?: { max: number; timeWindowMs: number };
  logger?: FastifyServerOptions['logger'];
  /** Passed to Fastify: set when behind a reverse proxy so the rate limit sees client IPs. */
  trustProxy?: boolean;
  /** The largest job document accepted, in bytes (default 1 GiB). */
  maxDocumentBytes?: number;
  /** Milliseconds between retention sweeps of waiting jobs (default 10 minutes). */
  sweepIntervalMs?: number;
  /** Passed to Fastify when serving HTTPS itself. */
  https?: { cert: Buffer; key: Buffer } | null;
  /** Sees every route as it registers, before any plugin (the access-matrix test lists them with it). */
  onRoute?: (route: RouteOptions) => void;
}

/** Defaults of the per-IP login throttle. */
export const DEFAULT_LOGIN_RATE_LIMIT = Object.freeze({ max: 10, timeWindowMs: 60_000 });

/** Defaults of the per-MFP login throttle: a busy office MFP logs in a user every few seconds at most. */
export const DEFAULT_MFP_LOGIN_RATE_LIMIT = Object.freeze({ max: 30, timeWindowMs: 60_000 });

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
    // One line per request (written in onResponse below) instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: options.trustProxy ?? false,
    bodyLimit: 64 * 1024,
    ...(options.https ? { https: options.https } : {}),
  }) as unknown as FastifyInstance;
  app.addHook('onClose', async () => {
    db.close();
  });
  if (options.onRoute) app.addHook('onRoute', options.onRoute);
  app.addHook('onResponse', (request, reply, done) => {
    // The path only: query strings may carry values nobody should find in a log.
    request.log.info(
      {
        method: request.method,
        path: request.url.split('?')[0],
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      },
      'request',
    );
    done();
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
    // Organization policies come first: the job service asks them how long a job may wait for release.
    const organizationPolicies = createOrganizationPolicyService({
      organizations,
      policies: createOrganizationPoliciesRepository(db),
      transaction: (fn) => db.transaction(fn)(),
      now,
    });
    const jobService = createJobService({
      jobs: createJobsRepository(db),
      logs: jobLogs,
      transaction: (fn) => db.transaction(fn)(),
      blobs: await createBlobStore(options.dataDir),
      mutex: createKeyedMutex(),
      retentionFor: (orgId) => organizationPolicies.values(orgId).retentionDays * 24 * 3600_000,
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
    // One queue per account for every login (web and MFP, password and PIN): mixing them cannot race the
    // shared failure count.
    const loginMutex = createKeyedMutex();
    const lockout = { ...DEFAULT_LOCKOUT, ...options.lockout };
    // PINs and card ids are protected by keys kept in files beside the database, never in it.
    const pinService = createPinService({
      pins: createPinsRepository(db),
      hasher,
      secrets: createPinSecrets({
        pepper: loadOrCreateSecretKey(options.dataDir, PIN_PEPPER_FILE),
        seal: loadOrCreateSecretKey(options.dataDir, PIN_SEAL_FILE),
      }),
      now,
    });
    const cardService = createCardService({
      cards: createCardsRepository(db),
      key: loadOrCreateSecretKey(options.dataDir, CARD_KEY_FILE),
      now,
    });
    const mfpSessionTimeouts = { ...DEFAULT_MFP_SESSION_TIMEOUTS, ...options.mfpSessions };
    const mfpSessions = createMfpSessionService({
      sessions: createMfpSessionsRepository(db),
      timeouts: mfpSessionTimeouts,
      now,
    });
    const authenticateMfpDevice = createAuthenticateMfpDevice({
      authenticateDevice: createAuthenticateDevice({ devices: deviceService }),
    });
    const accountAdmin = createAccountAdmin({ users, organizations, sessions, mfpSessions });
    const ctx: AppContext = {
      db,
      organizations,
      users,
      hasher,
      sessions,
      userService: createUserService({
        users,
        hasher,
        now,
        checkPassword: organizationPolicies.checkPassword,
      }),
      accountAdmin,
      organizationDeletion: createOrganizationDeletion({
        db,
        organizations,
        deleteDocuments: (ids) => jobService.deleteDocuments(ids),
      }),
      tickets: createTicketSigner({ dataDir: options.dataDir, now }),
      sessionTimeouts,
      now,
      auth: createAuthService({
        users,
        hasher,
        mutex: loginMutex,
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
      pinService,
      cardService,
      credentialAccess: createCredentialAccess({ users, organizations }),
      mfpAuth: createMfpAuth({
        users,
        hasher,
        pins: pinService,
        cards: cardService,
        mutex: loginMutex,
        lockout,
        now,
      }),
      mfpSessions,
      mfpSessionTimeouts,
      mfpLoginRateLimit: options.mfpLoginRateLimit ?? DEFAULT_MFP_LOGIN_RATE_LIMIT,
      authenticateMfpDevice,
      authenticateMfpSession: createAuthenticateMfpSession({
        authenticateDevice: createAuthenticateDevice({ devices: deviceService }),
        mfpSessions,
        users,
        organizations,
      }),
      organizationPolicies,
      quotas: createQuotaService({
        quotas: createUserQuotasRepository(db),
        organizations,
        accountAdmin,
        policies: organizationPolicies,
        now,
      }),
      contractReports: createContractReportsRepository(db),
    };

    app.decorate(
      'bootstrap',
      await bootstrapIfEmpty({ db, organizations, users, hasher, now, admin: options.admin ?? {} }),
    );
    app.decorateRequest('auth', null);
    app.decorateRequest('device', null);
    app.decorateRequest('mfp', null);
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
    await app.register(pinRoutes, { prefix: '/api/v1', ctx });
    await app.register(cardRoutes, { prefix: '/api/v1', ctx });
    await app.register(mfpRoutes, { prefix: '/api/v1/mfp', ctx });
    await app.register(mfpJobRoutes, { prefix: '/api/v1/mfp/jobs', ctx });
    await app.register(ticketRoutes, { prefix: '/api/v1/tickets', ctx });
    await app.register(policyRoutes, { prefix: '/api/v1', ctx });
    await app.register(quotaRoutes, { prefix: '/api/v1', ctx });
    await app.register(reportRoutes, { prefix: '/api/v1/reports', ctx });
    return app;
  } catch (err) {
    await app.close();
    throw err;
  }
}
