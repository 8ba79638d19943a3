// Creating accounts: the password policy, the hash and the unique login name in one place.
import { randomUUID } from 'node:crypto';
import { HttpError } from '../errors.js';
import type { User, UsersRepository } from '../repositories/users-repository.js';
import type { Role } from '../schemas/users.js';
import type { PasswordHasher } from './password-hasher.js';
import { checkPassword } from './password-policy.js';

/** Creates users after checking the password policy. */
export type UserService = ReturnType<typeof createUserService>;

/** Creates the user service. */
export function createUserService(deps: {
  users: UsersRepository;
  hasher: PasswordHasher;
  now: () => number;
  /** The password rules in force (the app passes the root's mode); whitepaper 3.2 when left out. */
  checkPassword?: typeof checkPassword;
}) {
  const { users, hasher, now } = deps;
  return {
    /** Creates a user; 400 names the broken password rule, 409 means the login name is taken. */
    async create(input: {
      organizationId: string;
      username: string;
      password: string;
      role: Role;
    }): Promise<User> {
      const verdict = (deps.checkPassword ?? checkPassword)(input.password, { username: input.username });
      if (!verdict.ok) throw new HttpError(400, 'password_policy', verdict.message);
      if (users.findByUsername(input.username)) throw usernameTaken();
      const passwordHash = await hasher.hash(input.password);
      const user = {
        id: randomUUID(),
        organizationId: input.organizationId,
        username: input.username,
        role: input.role,
        passwordHash,
        createdAt: now(),
      };
      try {
        users.insert(user);
      } catch (err) {
        if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') throw usernameTaken();
        throw err;
      }
      return { ...user, failedLogins: 0, lockedUntil: null, disabled: false, group: null };
    },
  };
}

const usernameTaken = () =>
  new HttpError(409, 'username_taken', 'This username is taken; choose another one.');
