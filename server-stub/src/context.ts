// The composition root's product: every repository and service a route may use.
import type { Database } from 'better-sqlite3';
import type { onRequestAsyncHookHandler } from 'fastify';
import type { ContractReportsRepository } from './repositories/contract-reports-repository.js';
import type { DevicesRepository } from './repositories/devices-repository.js';
import type { JobLogsRepository } from './repositories/job-logs-repository.js';
import type { OrganizationsRepository } from './repositories/organizations-repository.js';
import type { UsersRepository } from './repositories/users-repository.js';
import type { AccountAdmin } from './services/account-admin.js';
import type { OrganizationDeletion } from './services/organization-deletion.js';
import type { TicketSigner } from './services/ticket-signer.js';
import type { AuthService } from './services/auth-service.js';
import type { CardService } from './services/card-service.js';
import type { CredentialAccess } from './services/credential-access.js';
import type { DeviceService } from './services/device-service.js';
import type { JobService } from './services/job-service.js';
import type { MfpAuth } from './services/mfp-auth.js';
import type { MfpSessionService } from './services/mfp-session-service.js';
import type { OrganizationPolicyService } from './services/organization-policy-service.js';
import type { PasswordHasher } from './services/password-hasher.js';
import type { PinService } from './services/pin-service.js';
import type { QuotaService } from './services/quota-service.js';
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
  organizationDeletion: OrganizationDeletion;
  /** Signs the short-lived tickets an MFP shows a desktop's 5571 server. */
  tickets: TicketSigner;
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
  /** PINs: owner and admin views, setting, generating, verifying; the organization's PIN length. */
  pinService: PinService;
  /** ID cards: registration at the MFP, listing, deletion, lookup at login. */
  cardService: CardService;
  /** Who may administer whose PIN and cards, and an organization's PIN settings. */
  credentialAccess: CredentialAccess;
  /** Password, PIN and card login at an MFP (one lockout with the web login). */
  mfpAuth: MfpAuth;
  mfpSessions: MfpSessionService;
  mfpSessionTimeouts: SessionTimeouts;
  /** Login attempts per MFP per window on POST /api/v1/mfp/login. */
  mfpLoginRateLimit: { max: number; timeWindowMs: number };
  /** Admits only a live MFP device token (`Authorization: Device`); a desktop's gets 403. */
  authenticateMfpDevice: onRequestAsyncHookHandler;
  /**
   * Admits only an MFP device token plus a live MFP session of that device (`CPS-MFP-Session`); sets
   * request.device and request.mfp (read it with `mfpOf(request)`).
   */
  authenticateMfpSession: onRequestAsyncHookHandler;
  /** Organization policies: overrides, locks, inheritance, the tree's password mode. */
  organizationPolicies: OrganizationPolicyService;
  /** Per-user monthly page quotas. */
  quotas: QuotaService;
  /** Licence data of subtrees for contract reports. */
  contractReports: ContractReportsRepository;
  now: () => number;
}
