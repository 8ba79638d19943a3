// Password hashing with argon2id (@node-rs/argon2 runs it on libuv's thread pool, off the event loop).
import { hash, verify } from '@node-rs/argon2';
import type { Algorithm } from '@node-rs/argon2';

/** argon2id cost parameters. */
export interface Argon2Params {
  /** Memory in KiB. */
  memoryCost: number;
  /** Passes over memory. */
  timeCost: number;
  /** Lanes; OWASP ASVS 5.0 appendix C pairs m = 19 MiB, t = 2 with p = 1. */
  parallelism: number;
}

/** The production cost: OWASP ASVS 5.0 appendix C minimum for argon2id (19 MiB, 2 passes, 1 lane). */
export const DEFAULT_ARGON2_PARAMS: Readonly<Argon2Params> = Object.freeze({
  memoryCost: 19456,
  timeCost: 2,
  parallelism: 1,
});

// `Algorithm` is a const enum, which isolatedModules cannot inline: 2 is Argon2id.
const ARGON2ID = 2 as Algorithm;

/** Hashes and verifies passwords; verifyDummy spends the same work for a user who does not exist. */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(passwordHash: string, password: string): Promise<boolean>;
  verifyDummy(password: string): Promise<void>;
}

/** Creates an argon2id hasher with the given cost (defaults: the production cost). */
export function createPasswordHasher(params: Argon2Params = DEFAULT_ARGON2_PARAMS): PasswordHasher {
  const options = { algorithm: ARGON2ID, ...params };
  let dummyHash: Promise<string> | undefined;
  const hasher: PasswordHasher = {
    hash: (password) => hash(password, options),
    async verify(passwordHash, password) {
      try {
        return await verify(passwordHash, password);
      } catch {
        return false; // a malformed stored hash never logs anyone in
      }
    },
    async verifyDummy(password) {
      dummyHash ??= hash('dummy-password-for-unknown-users', options);
      await hasher.verify(await dummyHash, password);
    },
  };
  return hasher;
}
