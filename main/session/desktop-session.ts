// The desktop session (issue 5, design flow 5): who is logged in on this desktop, with the cloud server.
//
// - Login: username and password -> session token (POST /api/v1/auth/login), the user (GET /api/v1/me), the
//   effective policy (idle logout, spooling mode), the server's ticket keys (MFP tickets are verified offline
//   with them). On first login the desktop registers itself as a device and keeps the device token; later
//   logins check it (GET /api/v1/devices/self) and register again when it was revoked or belongs to another
//   organization.
// - Secrets: the session token (`session-token`), the device token (`device-token`) and the device id
//   (`device-id`) live in the SecretStore only (the OS keychain, or memory when there is none). Nothing
//   secret in a file, a setting, a message or a log line (the tokens are also registered with the logger's
//   redaction).
// - Idle logout: after the policy's idleLogoutMinutes without activity (touch()) the session ends: trust is
//   null at once, the keychain entry is removed, the server is told (best effort). Jobs stay held.
// - Jobs: jobs captured while logged in carry the user's id from capture (the composition root passes
//   currentUserId() to every way in). At login every job without an owner is assigned to the user; jobs that
//   already have an owner are never reassigned, so one user's documents are never handed to another.
import type { Logger } from '../log/logger.js';
import type { TicketTrust } from '../mfp-server/ticket.js';
import type { JobStore } from '../spool/job-store.js';
import type { Job } from '../spool/job.js';
import { createSessionApi } from './session-api.js';
import type { DeviceAnswer, SessionApi, SessionUser } from './session-api.js';
import { SessionError } from './session-error.js';
import type { CloudHttpClient } from '../cloud/http-client.js';
import type { SecretStore } from './secret-store.js';

export { SessionError, SESSION_ERROR_STATUS } from './session-error.js';
export type { SessionErrorCode } from './session-error.js';
export type { SessionUser } from './session-api.js';

/** Keys in the SecretStore. */
export const SESSION_TOKEN_KEY = 'session-token';
export const DEVICE_TOKEN_KEY = 'device-token';
export const DEVICE_ID_KEY = 'device-id';

/** Timers the idle logout uses (tests inject fakes driven by their clock). */
export interface SessionTimers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const realTimers: SessionTimers = {
  set: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref();
    return t;
  },
  clear: (h) => clearTimeout(h as NodeJS.Timeout),
};

/** Why a session ended. */
export type LogoutReason = 'user' | 'idle' | 'expired' | 'replaced' | 'shutdown';

/** The session as the control API and the UI show it (no secrets). */
export interface SessionState {
  loggedIn: boolean;
  serverUrl: string;
  user: SessionUser | null;
  deviceId: string | null;
  idleLogoutMinutes: number | null;
  spoolingMode: string | null;
  keychain: { kind: 'keychain' | 'memory'; warning: string | null };
  /** ISO 8601 of the last activity while logged in, else null. */
  lastActivity: string | null;
  /** ISO 8601 of the server session's absolute end, else null. */
  expiresAt: string | null;
}

/** What the session needs. */
export interface DesktopSessionOptions {
  /** The one HTTP client to the cloud server. */
  http: CloudHttpClient;
  /** The server's address, for messages and the state. */
  serverUrl: string;
  secrets: SecretStore;
  store: JobStore;
  /** This machine's host name, sent when registering the desktop. */
  hostName: string;
  log: Pick<Logger, 'info' | 'warn' | 'addSecret'>;
  now?: () => number;
  timers?: SessionTimers;
  /** Replaces the server calls (tests); default: createSessionApi(http, serverUrl). */
  api?: SessionApi;
  /**
   * While the user is active, the server hears from the session at least this often (GET /api/v1/me), so its
   * own idle timeout does not end a session the desktop still uses, and a session ended at the server (logout
   * elsewhere, disabled account) ends here too. Default 5 minutes, at most half the idle logout time.
   */
  keepAliveMs?: number;
}

/** A desktop session. */
export interface DesktopSession {
  /** Logs in (ending a current session once the new one works). Throws SessionError. */
  login(username: string, password: string): Promise<SessionState>;
  /** Ends the session, if any: trust null, keychain entry removed, server told (best effort). */
  logout(reason?: LogoutReason): Promise<void>;
  state(): SessionState;
  /** User activity: restarts the idle countdown. */
  touch(): void;
  /** At start: resumes a session token kept from before a restart if the server still accepts it. */
  restore(): Promise<boolean>;
  /** What the MFP job server trusts; null while logged out. */
  trust(): TicketTrust | null;
  currentUserId(): string | null;
  /**
   * What a request on behalf of the logged-in user and this desktop needs (the job outbox): the session
   * token, the desktop's device token, the user and the policy's spooling mode; null while logged out.
   * Never logged or shown.
   */
  credentials(): SessionCredentials | null;
  /** Calls `listener` after every login, restore and logout; returns the unsubscribe function. */
  onChange(listener: () => void): () => void;
  /** Stops timers and listeners; the session (and its keychain entry) stays for the next start. */
  close(): void;
}

/** See DesktopSession.credentials. */
export interface SessionCredentials {
  token: string;
  deviceToken: string;
  deviceId: string;
  userId: string;
  spoolingMode: string | null;
}

interface Active {
  token: string;
  deviceToken: string;
  user: SessionUser;
  device: DeviceAnswer;
  keys: string[];
  idleMs: number | null;
  spoolingMode: string | null;
  idleLogoutMinutes: number | null;
  expiresAtMs: number | null;
  lastActivity: number;
  /** When the server last confirmed the session (our clock). */
  lastConfirmed: number;
  confirming: boolean;
}

/** Creates the session (logged out; call restore() at start). */
export function createDesktopSession(options: DesktopSessionOptions): DesktopSession {
  const { secrets, store, log } = options;
  const now = options.now ?? Date.now;
  const timers = options.timers ?? realTimers;
  const api = options.api ?? createSessionApi(options.http, options.serverUrl);
  let active: Active | null = null;
  let timer: unknown = null;
  let closed = false;
  // Login, logout and restore one at a time; ownership changes one at a time.
  let queue: Promise<unknown> = Promise.resolve();
  let owners: Promise<unknown> = Promise.resolve();
  const listeners = new Set<() => void>();
  function changed(): void {
    for (const fn of [...listeners]) {
      try {
        fn();
      } catch (err) {
        log.warn('a session listener failed', { message: (err as Error).message });
      }
    }
  }

  function exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = queue.then(fn, fn);
    queue = run.catch(() => undefined);
    return run;
  }

  function keychainFailure(err: unknown): SessionError {
    const message = err instanceof Error ? err.message : String(err);
    return new SessionError('keychain', message, { cause: err });
  }

  // ---- idle logout -------------------------------------------------------------------------------------

  function clearTimer(): void {
    if (timer !== null) timers.clear(timer);
    timer = null;
  }

  /** Why the session must end now (idle time or lifetime over), or null. */
  function overReason(a: Active, t: number): LogoutReason | null {
    if (a.idleMs !== null && t >= a.lastActivity + a.idleMs) return 'idle';
    if (a.expiresAtMs !== null && t >= a.expiresAtMs) return 'expired';
    return null;
  }

  /**
   * Ends the session when its idle time or lifetime is over (trust is gone at once, the clean-up follows),
   * else waits for whichever comes first.
   */
  function schedule(): void {
    clearTimer();
    const a = active;
    if (!a) return;
    const t = now();
    const reason = overReason(a, t);
    if (reason) {
      active = null;
      void exclusive(() => finish(a, reason));
      return;
    }
    if (closed) return;
    const due = Math.min(a.idleMs === null ? Infinity : a.lastActivity + a.idleMs, a.expiresAtMs ?? Infinity);
    if (due === Infinity) return;
    // Activity only moves lastActivity; the timer re-checks when it fires (no re-arming on every touch).
    timer = timers.set(schedule, Math.min(due - t, 2 ** 31 - 1));
  }

  /** The session, unless its time is over (then it ends now, even if the timer has not fired yet). */
  function live(): Active | null {
    if (active && overReason(active, now())) schedule();
    return active;
  }

  // ---- ownership -----------------------------------------------------------------------------------------

  /** Gives every job without an owner to `userId`, unless another session has started meanwhile. */
  function assignUnowned(userId: string, ids?: readonly string[]): Promise<number> {
    const run = owners.then(async () => {
      let assigned = 0;
      const candidates = ids ?? [...store.records()].filter((r) => !r.ownerId).map((r) => r.id);
      for (const id of candidates) {
        if (active?.user.id !== userId) break;
        const record = store.getRecord(id);
        if (!record || record.ownerId) continue; // never hand one user's job to another
        try {
          await store.setOwner(id, userId);
          assigned++;
        } catch (err) {
          log.warn('a job could not be given to the logged-in user', {
            job: id,
            message: (err as Error).message,
          });
        }
      }
      return assigned;
    });
    owners = run.catch(() => undefined);
    return run;
  }

  // A job whose capture started while logged out and ended after the login: "assigned at the next login".
  const onAdded = (job: Job) => {
    const a = active;
    if (a && !store.getRecord(job.id)?.ownerId) void assignUnowned(a.user.id, [job.id]);
  };
  store.on('added', onAdded);

  // ---- device --------------------------------------------------------------------------------------------

  async function ensureDevice(
    token: string,
    user: SessionUser,
  ): Promise<{ device: DeviceAnswer; deviceToken: string }> {
    let deviceToken: string | null;
    try {
      deviceToken = await secrets.get(DEVICE_TOKEN_KEY);
    } catch (err) {
      throw keychainFailure(err);
    }
    if (deviceToken) {
      log.addSecret(deviceToken);
      const device = await api.deviceSelf(deviceToken);
      if (device && device.organizationId === user.organizationId) return { device, deviceToken };
      log.info(
        device
          ? 'this desktop is registered in another organization: registering it again'
          : 'the device token of this desktop was refused (revoked?): registering it again',
      );
    }
    const registered = await api.registerDesktop(token, options.hostName);
    log.addSecret(registered.token);
    try {
      await secrets.set(DEVICE_TOKEN_KEY, registered.token);
      await secrets.set(DEVICE_ID_KEY, registered.device.id);
    } catch (err) {
      throw keychainFailure(err);
    }
    log.info('this desktop is registered at the cloud server', { deviceId: registered.device.id });
    return { device: registered.device, deviceToken: registered.token };
  }

  /** Everything after the token: user, policy, keys, device. Throws with the token still unsaved. */
  async function establish(token: string, user: SessionUser, expiresAt: string): Promise<Active> {
    const [policy, keys] = await Promise.all([api.policy(token), api.ticketKeys(token)]);
    const { device, deviceToken } = await ensureDevice(token, user);
    const expiresAtMs = Date.parse(expiresAt);
    return {
      token,
      deviceToken,
      user,
      device,
      keys,
      idleLogoutMinutes: policy.idleLogoutMinutes,
      idleMs: policy.idleLogoutMinutes === null ? null : policy.idleLogoutMinutes * 60_000,
      spoolingMode: policy.spoolingMode,
      expiresAtMs: Number.isFinite(expiresAtMs) ? expiresAtMs : null,
      lastActivity: now(),
      lastConfirmed: now(),
      confirming: false,
    };
  }

  /**
   * Asks the server whether the session still stands and, when it does, takes over the current effective
   * policy (an admin's change of the idle time or the spooling mode applies without a new login) and ticket
   * keys (a rotated key is trusted). Resolves with null when the server has ended the session.
   */
  async function confirm(a: Active): Promise<SessionUser | null> {
    const user = await api.me(a.token);
    if (user === null) return null;
    const [policy, keys] = await Promise.all([api.policy(a.token), api.ticketKeys(a.token)]);
    if (active !== a) return user;
    const changedPolicy =
      policy.idleLogoutMinutes !== a.idleLogoutMinutes || policy.spoolingMode !== a.spoolingMode;
    a.idleLogoutMinutes = policy.idleLogoutMinutes;
    a.idleMs = policy.idleLogoutMinutes === null ? null : policy.idleLogoutMinutes * 60_000;
    a.spoolingMode = policy.spoolingMode;
    a.keys = keys;
    if (changedPolicy) {
      log.info('the effective policy changed', {
        idleLogoutMinutes: a.idleLogoutMinutes,
        spoolingMode: a.spoolingMode,
      });
      schedule();
      changed();
    }
    return user;
  }

  async function begin(next: Active, how: string): Promise<void> {
    active = next;
    schedule();
    const assigned = await assignUnowned(next.user.id);
    log.info(how, {
      userId: next.user.id,
      deviceId: next.device.id,
      idleLogoutMinutes: next.idleLogoutMinutes,
      jobsAssigned: assigned,
    });
    changed();
  }

  async function serverLogout(token: string): Promise<void> {
    await api
      .logout(token)
      .catch((err: unknown) =>
        log.warn('the cloud server was not told of the logout', { message: (err as Error).message }),
      );
  }

  // ---- operations ----------------------------------------------------------------------------------------

  /** The clean-up of an ended session `a` (already no longer active): keychain entry, server. */
  async function finish(a: Active, reason: LogoutReason): Promise<void> {
    log.info('logged out', { userId: a.user.id, reason });
    changed();
    try {
      await secrets.delete(SESSION_TOKEN_KEY);
    } catch (err) {
      log.warn('the session token could not be removed from the keychain', {
        message: (err as Error).message,
      });
    }
    await serverLogout(a.token);
  }

  function logout(reason: LogoutReason = 'user'): Promise<void> {
    return exclusive(async () => {
      const a = active;
      if (!a) return;
      active = null;
      clearTimer();
      await finish(a, reason);
    });
  }

  function state(): SessionState {
    const a = live();
    return {
      loggedIn: a !== null,
      serverUrl: options.serverUrl,
      user: a ? { ...a.user } : null,
      deviceId: a?.device.id ?? null,
      idleLogoutMinutes: a?.idleLogoutMinutes ?? null,
      spoolingMode: a?.spoolingMode ?? null,
      keychain: { kind: secrets.kind, warning: secrets.warning },
      lastActivity: a ? new Date(a.lastActivity).toISOString() : null,
      expiresAt: a?.expiresAtMs != null ? new Date(a.expiresAtMs).toISOString() : null,
    };
  }

  return {
    login(username, password) {
      return exclusive(async () => {
        const answer = await api.login(username, password);
        log.addSecret(answer.token);
        let next: Active;
        try {
          const user = await api.me(answer.token);
          if (!user)
            throw new SessionError(
              'server-error',
              `The cloud server ${options.serverUrl} refused the session it had just opened; try again.`,
            );
          next = await establish(answer.token, user, answer.expiresAt);
          try {
            await secrets.set(SESSION_TOKEN_KEY, answer.token);
          } catch (err) {
            throw keychainFailure(err);
          }
        } catch (err) {
          await serverLogout(answer.token);
          throw err;
        }
        if (active) {
          const old = active;
          active = null;
          clearTimer();
          log.info('logged out', { userId: old.user.id, reason: 'replaced' });
          await serverLogout(old.token);
        }
        await begin(next, 'logged in');
        return state();
      });
    },

    logout,
    state,

    touch() {
      const a = live();
      if (!a) return;
      const t = now();
      a.lastActivity = Math.max(a.lastActivity, t);
      const every = Math.min(options.keepAliveMs ?? 300_000, a.idleMs === null ? Infinity : a.idleMs / 2);
      if (a.confirming || t - a.lastConfirmed < every) return;
      a.confirming = true;
      void confirm(a).then(
        (user) => {
          a.confirming = false;
          a.lastConfirmed = now();
          if (user === null && active === a) {
            log.info('the cloud server has ended the session');
            active = null;
            clearTimer();
            void exclusive(() => finish(a, 'expired'));
          }
        },
        (err: unknown) => {
          // Server unreachable: the session goes on here; the next activity tries again.
          a.confirming = false;
          log.warn('the session could not be confirmed with the cloud server', {
            message: (err as Error).message,
          });
        },
      );
    },

    restore() {
      return exclusive(async () => {
        let token: string | null;
        try {
          token = await secrets.get(SESSION_TOKEN_KEY);
        } catch (err) {
          log.warn('the kept session could not be read from the keychain', {
            message: (err as Error).message,
          });
          return false;
        }
        if (!token) return false;
        log.addSecret(token);
        try {
          const user = await api.me(token);
          if (!user) {
            log.info('the kept session has ended at the server: log in again');
            await secrets.delete(SESSION_TOKEN_KEY).catch(() => undefined);
            return false;
          }
          await begin(await establish(token, user, ''), 'session restored');
          return true;
        } catch (err) {
          // Server unreachable: the entry stays for the next start; logged out until then or a new login.
          log.warn('the kept session could not be resumed; log in again', {
            message: (err as Error).message,
          });
          return false;
        }
      });
    },

    trust() {
      const a = live();
      return a ? { keys: a.keys, deskId: a.device.id, userId: a.user.id } : null;
    },

    currentUserId: () => live()?.user.id ?? null,

    credentials() {
      const a = live();
      return a
        ? {
            token: a.token,
            deviceToken: a.deviceToken,
            deviceId: a.device.id,
            userId: a.user.id,
            spoolingMode: a.spoolingMode,
          }
        : null;
    },

    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    close() {
      closed = true;
      clearTimer();
      listeners.clear();
      store.off('added', onAdded);
    },
  };
}
