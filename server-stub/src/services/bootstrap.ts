// First start: create the root provider (RHQ) and its first admin, exactly once. There is no route for this:
// it runs only inside buildApp, and only while the database holds no organization at all (compare
// PaperCut CVE-2023-27350, a setup page that still answered after setup).
import { randomInt, randomUUID } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import type { OrganizationsRepository } from '../repositories/organizations-repository.js';
import type { UsersRepository } from '../repositories/users-repository.js';
import type { PasswordHasher } from './password-hasher.js';
import { checkPassword, PASSWORD_SYMBOLS } from './password-policy.js';
import { USERNAME_PATTERN } from '../schemas/users.js';

/** What the first start created; `password` is set only when the server generated it. */
export interface BootstrapResult {
  organizationId: string;
  username: string;
  generatedPassword: string | null;
}

/** Thrown when the configured first admin cannot be created. */
export class BootstrapConfigError extends Error {
  readonly code = 'BOOTSTRAP_CONFIG';
}

/** A random password that meets the policy: 20 characters with each required class at least once. */
export function generatePassword(): string {
  const classes = [
    '0123456789',
    'ABCDEFGHJKLMNPQRSTUVWXYZ',
    'abcdefghijkmnopqrstuvwxyz',
    PASSWORD_SYMBOLS.replace(' ', ''),
  ];
  const all = classes.join('');
  const pick = (set: string) => set[randomInt(set.length)] as string;
  const chars = classes.map(pick);
  while (chars.length < 20) chars.push(pick(all));
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j] as string, chars[i] as string];
  }
  return chars.join('');
}

/**
 * Creates the root provider and its admin if no organization exists yet; otherwise does nothing and
 * returns null. The check and the inserts share one transaction, and the schema admits only one root.
 */
export async function bootstrapIfEmpty(deps: {
  db: Database;
  organizations: OrganizationsRepository;
  users: UsersRepository;
  hasher: PasswordHasher;
  now: () => number;
  admin: {
    username?: string | undefined;
    password?: string | undefined;
    organizationName?: string | undefined;
  };
}): Promise<BootstrapResult | null> {
  const { db, organizations, users, hasher, now } = deps;
  if (organizations.count() > 0) return null;

  const username = deps.admin.username ?? 'admin';
  if (!USERNAME_PATTERN.test(username)) {
    throw new BootstrapConfigError(
      'CPS_ADMIN_USERNAME may use 1 to 64 letters, digits and . _ @ - only: choose another name.',
    );
  }
  const generatedPassword = deps.admin.password === undefined ? generatePassword() : null;
  const password = deps.admin.password ?? (generatedPassword as string);
  const verdict = checkPassword(password);
  if (!verdict.ok) throw new BootstrapConfigError(`CPS_ADMIN_PASSWORD is refused: ${verdict.message}`);
  const passwordHash = await hasher.hash(password);

  const organizationId = randomUUID();
  const created = db.transaction(() => {
    if (organizations.count() > 0) return false; // someone else bootstrapped while we hashed
    const at = now();
    organizations.insert({
      id: organizationId,
      parentId: null,
      kind: 'provider',
      name: deps.admin.organizationName ?? 'Root provider',
      createdAt: at,
    });
    users.insert({
      id: randomUUID(),
      organizationId,
      username,
      role: 'provider_admin',
      passwordHash,
      createdAt: at,
    });
    return true;
  })();
  return created ? { organizationId, username, generatedPassword } : null;
}
