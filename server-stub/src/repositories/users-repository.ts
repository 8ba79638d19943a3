// Storage of users and their login state. The only module that writes SQL for users.
import type { Database } from 'better-sqlite3';
import type { Role } from '../schemas/users.js';

/** A user as stored, including the secrets that never leave the server. */
export interface User {
  id: string;
  organizationId: string;
  username: string;
  role: Role;
  passwordHash: string;
  failedLogins: number;
  lockedUntil: number | null;
  disabled: boolean;
  /** The user's group (department, team) for the user-group report, or null. */
  group: string | null;
  createdAt: number;
}

interface UserRow {
  id: string;
  organization_id: string;
  username: string;
  role: Role;
  password_hash: string;
  failed_logins: number;
  locked_until: number | null;
  disabled: number;
  user_group: string | null;
  created_at: number;
}

const toUser = (r: UserRow): User => ({
  id: r.id,
  organizationId: r.organization_id,
  username: r.username,
  role: r.role,
  passwordHash: r.password_hash,
  failedLogins: r.failed_logins,
  lockedUntil: r.locked_until,
  disabled: r.disabled === 1,
  group: r.user_group,
  createdAt: r.created_at,
});

/** User storage over one SQLite connection. */
export type UsersRepository = ReturnType<typeof createUsersRepository>;

/** Creates the user repository. */
export function createUsersRepository(db: Database) {
  const byId = db.prepare<[string], UserRow>('SELECT * FROM users WHERE id = ?');
  const byUsername = db.prepare<[string], UserRow>('SELECT * FROM users WHERE username = ?');
  const inOrganization = db.prepare<[string], UserRow>(
    'SELECT * FROM users WHERE organization_id = ? ORDER BY username',
  );
  const insert = db.prepare(`INSERT INTO users
    (id, organization_id, username, role, password_hash, failed_logins, locked_until, disabled, created_at)
    VALUES (@id, @organization_id, @username, @role, @password_hash, 0, NULL, 0, @created_at)`);
  const setLoginState = db.prepare<[number, number | null, string]>(
    'UPDATE users SET failed_logins = ?, locked_until = ? WHERE id = ?',
  );
  const setRole = db.prepare<[Role, string]>('UPDATE users SET role = ? WHERE id = ?');
  const setDisabled = db.prepare<[number, string]>('UPDATE users SET disabled = ? WHERE id = ?');
  const setGroup = db.prepare<[string | null, string]>('UPDATE users SET user_group = ? WHERE id = ?');
  const remove = db.prepare<[string]>('DELETE FROM users WHERE id = ?');

  return {
    /** The user with this id, or undefined. */
    findById(id: string): User | undefined {
      const row = byId.get(id);
      return row && toUser(row);
    },
    /** The user with this login name (case-insensitive), or undefined. */
    findByUsername(username: string): User | undefined {
      const row = byUsername.get(username);
      return row && toUser(row);
    },
    /** The users of one organization, by name. */
    listByOrganization(organizationId: string): User[] {
      return inOrganization.all(organizationId).map(toUser);
    },
    /** Inserts a new user with a clean login state. */
    insert(
      user: Pick<User, 'id' | 'organizationId' | 'username' | 'role' | 'passwordHash' | 'createdAt'>,
    ): void {
      insert.run({
        id: user.id,
        organization_id: user.organizationId,
        username: user.username,
        role: user.role,
        password_hash: user.passwordHash,
        created_at: user.createdAt,
      });
    },
    /** Stores the consecutive-failure count and the lock expiry (null: not locked). */
    setLoginState(id: string, failedLogins: number, lockedUntil: number | null): void {
      setLoginState.run(failedLogins, lockedUntil, id);
    },
    /** Gives the user another role. */
    setRole(id: string, role: Role): void {
      setRole.run(role, id);
    },
    /** Disables or enables the account (a disabled user cannot log in and has no live session). */
    setDisabled(id: string, disabled: boolean): void {
      setDisabled.run(disabled ? 1 : 0, id);
    },
    /** Puts the user in a group (null: none). */
    setGroup(id: string, group: string | null): void {
      setGroup.run(group, id);
    },
    /** Deletes the user; foreign keys with ON DELETE CASCADE remove sessions, PIN, cards and the like. */
    delete(id: string): boolean {
      return remove.run(id).changes === 1;
    },
  };
}
