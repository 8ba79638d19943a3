// The composition root's product: every repository and service a route may use.
import type { Database } from 'better-sqlite3';
import type { onRequestAsyncHookHandler } from 'fastify';
import type { DevicesRepository } from './repositories/devices-repository.js';
import type { JobLogsRepository } from './repositories/job-logs-repository.js';
import type { OrganizationsRepository } from './repositories/organizations-repository.js';
import type { UsersRepository } from './repositories/users-repository.js';
import type { AccountAdmin } from './services/account-admin.js';
import type { AuthService } from './services/auth-service.js';
import type { DeviceService } from './services/device-service.js';
import type { JobService } from './services/job-service.js';
import type { PasswordHasher } from './services/password-hasher.js';
import type { SessionService, SessionTimeouts } from './services/session-service.js';
import type { UserService } from './services/user-service.js';

/** What routes get as plugin options: storage and services, never the listening server. */
export interface AppContext {
  db: Database;
  organizations: OrganizationsRepository;
  users: UsersRepository;
  hasher: PasswordHasher;
  auth: AuthService;
  sessions: SessionService;
  userService: UserService;
  accountAdmin: AccountAdmin;
  sessionTimeouts: SessionTimeouts;
  devices: DevicesRepository;
  deviceService: DeviceService;
  authenticate: onRequestAsyncHookHandler;
  jobService: JobService;
  jobLogs: JobLogsRepository;
  /** After `authenticate`: admits only a request that also carries a live desktop token of the caller's organization (`CPS-Device`). */
  authenticateDesktop: onRequestAsyncHookHandler;
  /** The largest document a job may have, in bytes. */
  maxDocumentBytes: number;
  /** Admits only a request carrying a live device token (`Authorization: Device <token>`). */
  authenticateDevice: onRequestAsyncHookHandler;
  loginRateLimit: { max: number; timeWindowMs: number };
  now: () => number;
}
