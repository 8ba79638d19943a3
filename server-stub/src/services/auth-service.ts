// Password login with the lockout of whitepaper 3.1 and no user enumeration.
import type { UsersRepository, User } from '../repositories/users-repository.js';
import type { PasswordHasher } from './password-hasher.js';
import type { KeyedMutex } from './keyed-mutex.js';

/** Lockout settings. */
export interface LockoutPolicy {
  /** Consecutive failures that lock the account (whitepaper: 3). */
  maxFailures: number;
  /** How long the lock lasts, in ms (whitepaper: 30 minutes). */
  lockMs: number;
}

/** Whitepaper 3.1: three consecutive failures lock the account for 30 minutes. */
export const DEFAULT_LOCKOUT: Readonly<LockoutPolicy> = Object.freeze({
  maxFailures: 3,
  lockMs: 30 * 60_000,
});

/** Why a login failed. Internal only: every reason gets the same answer on the wire. */
export type LoginFailure = 'unknown_user' | 'wrong_password' | 'locked' | 'disabled';

/** The outcome of a password login. */
export type LoginResult = { ok: true; user: User } | { ok: false; reason: LoginFailure };

/** Checks passwords and keeps the per-account failure count. */
export type AuthService = ReturnType<typeof createAuthService>;

/** Creates the auth service. */
export function createAuthService(deps: {
  users: UsersRepository;
  hasher: PasswordHasher;
  mutex: KeyedMutex;
  lockout: LockoutPolicy;
  now: () => number;
}) {
  const { users, hasher, mutex, lockout, now } = deps;

  async function attempt(username: string, password: string): Promise<LoginResult> {
    const user = users.findByUsername(username);
    // Every failure path spends one argon2 verification, so timing does not tell them apart.
    if (!user) {
      await hasher.verifyDummy(password);
      return { ok: false, reason: 'unknown_user' };
    }
    if (user.disabled) {
      await hasher.verifyDummy(password);
      return { ok: false, reason: 'disabled' };
    }
    if (user.lockedUntil !== null && now() < user.lockedUntil) {
      // The real hash is not consulted while locked: the answer cannot reveal a right password.
      await hasher.verifyDummy(password);
      return { ok: false, reason: 'locked' };
    }
    const failedSoFar = user.lockedUntil !== null ? 0 : user.failedLogins; // an expired lock starts afresh
    if (await hasher.verify(user.passwordHash, password)) {
      users.setLoginState(user.id, 0, null);
      return { ok: true, user };
    }
    const failures = failedSoFar + 1;
    if (failures >= lockout.maxFailures) users.setLoginState(user.id, 0, now() + lockout.lockMs);
    else users.setLoginState(user.id, failures, null);
    return { ok: false, reason: 'wrong_password' };
  }

  return {
    /** Verifies a username and password; attempts on one account run one after another. */
    login(username: string, password: string): Promise<LoginResult> {
      return mutex.run(username.toLowerCase(), () => attempt(username, password));
    },
  };
}
