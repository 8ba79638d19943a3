// Logging a user in at an MFP: password, PIN (whitepaper 3.4) or ID card (3.5). Password and PIN follow
// the rules of auth-service.ts exactly: failures of either count toward the SAME per-account lockout
// (3 consecutive, 30 minutes), attempts on one account run one after another through the SAME keyed mutex
// as web logins, and every refusal (unknown user, user of another organization, wrong secret, no PIN,
// locked, disabled) spends one argon2 verification and gets one answer. A card names no account, so no
// lockout applies to it; the per-device rate limit bounds guessing instead.
import type { Device } from '../repositories/devices-repository.js';
import type { MfpLoginMethod } from '../repositories/mfp-sessions-repository.js';
import type { User, UsersRepository } from '../repositories/users-repository.js';
import type { LockoutPolicy } from './auth-service.js';
import type { CardService } from './card-service.js';
import type { KeyedMutex } from './keyed-mutex.js';
import type { PasswordHasher } from './password-hasher.js';
import type { PinService } from './pin-service.js';

/** What an MFP sends to log a user in. */
export type MfpCredentials =
  | { method: 'password'; username: string; password: string }
  | { method: 'pin'; username: string; pin: string }
  | { method: 'card'; cardId: string };

/** Why an MFP login failed. Internal only: every reason gets the same answer on the wire. */
export type MfpLoginFailure =
  'unknown_user' | 'other_organization' | 'wrong_secret' | 'no_pin' | 'locked' | 'disabled' | 'unknown_card';

/** The outcome of an MFP login. */
export type MfpLoginResult =
  { ok: true; user: User; method: MfpLoginMethod } | { ok: false; reason: MfpLoginFailure };

/** Checks MFP credentials. */
export type MfpAuth = ReturnType<typeof createMfpAuth>;

/** Creates the MFP login service; pass the keyed mutex the web login uses. */
export function createMfpAuth(deps: {
  users: UsersRepository;
  hasher: PasswordHasher;
  pins: PinService;
  cards: CardService;
  mutex: KeyedMutex;
  lockout: LockoutPolicy;
  now: () => number;
}) {
  const { users, hasher, pins, cards, mutex, lockout, now } = deps;
  const fail = (reason: MfpLoginFailure): MfpLoginResult => ({ ok: false, reason });

  /** One attempt with a secret, mirroring auth-service's rule; runs inside the account's mutex. */
  async function attempt(
    username: string,
    device: Device,
    method: 'password' | 'pin',
    spendDummy: () => Promise<void>,
    check: (user: User) => Promise<boolean> | undefined,
  ): Promise<MfpLoginResult> {
    const user = users.findByUsername(username); // read inside the mutex: earlier attempts have counted
    // A user of another organization is treated as unknown: this device must not even count their failures.
    if (!user || user.organizationId !== device.organizationId) {
      await spendDummy();
      return fail(user ? 'other_organization' : 'unknown_user');
    }
    if (user.disabled) {
      await spendDummy();
      return fail('disabled');
    }
    if (user.lockedUntil !== null && now() < user.lockedUntil) {
      await spendDummy();
      return fail('locked');
    }
    const verification = check(user);
    if (!verification) {
      // No PIN set: nothing to guess, so nothing is counted.
      await spendDummy();
      return fail('no_pin');
    }
    const failedSoFar = user.lockedUntil !== null ? 0 : user.failedLogins; // an expired lock starts afresh
    if (await verification) {
      users.setLoginState(user.id, 0, null);
      return { ok: true, user, method };
    }
    const failures = failedSoFar + 1;
    if (failures >= lockout.maxFailures) users.setLoginState(user.id, 0, now() + lockout.lockMs);
    else users.setLoginState(user.id, failures, null);
    return fail('wrong_secret');
  }

  function byCard(device: Device, cardId: string): MfpLoginResult {
    const card = cards.find(device.organizationId, cardId);
    const user = card && users.findById(card.userId);
    if (!card || !user || user.organizationId !== device.organizationId) return fail('unknown_card');
    if (user.disabled) return fail('disabled');
    // A locked account stays locked for every way in, a card included.
    if (user.lockedUntil !== null && now() < user.lockedUntil) return fail('locked');
    cards.markUsed(card);
    return { ok: true, user, method: 'card' };
  }

  return {
    /** Checks credentials presented at an MFP of a customer organization. */
    login(device: Device, credentials: MfpCredentials): Promise<MfpLoginResult> {
      switch (credentials.method) {
        case 'password': {
          const { username, password } = credentials;
          return mutex.run(username.toLowerCase(), () =>
            attempt(
              username,
              device,
              'password',
              () => hasher.verifyDummy(password),
              (user) => hasher.verify(user.passwordHash, password),
            ),
          );
        }
        case 'pin': {
          const { username, pin } = credentials;
          return mutex.run(username.toLowerCase(), () =>
            attempt(
              username,
              device,
              'pin',
              () => pins.verifyDummy(pin),
              (user) => pins.verify(user, pin),
            ),
          );
        }
        case 'card':
          return Promise.resolve(byCard(device, credentials.cardId));
      }
    },
  };
}
