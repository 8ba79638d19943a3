// Account administration: who may see, re-role, unlock, disable, enable and delete which account.
// Reach follows Table 2-1 through `permits`: admins manage the accounts of their own organization, and
// nobody changes their own account (no self-raise, no self-unlock, no self-delete). Users of a customer
// organization are out of a provider's reach (Table 2-1); a provider admin who must replace a lost customer
// admin creates a new one with POST /api/v1/organizations/:id/admins.
import { forbidden, HttpError, notFound } from '../errors.js';
import type { OrganizationsRepository, Organization } from '../repositories/organizations-repository.js';
import type { User, UsersRepository } from '../repositories/users-repository.js';
import { CUSTOMER_ROLES, PROVIDER_ROLES } from '../schemas/users.js';
import type { Role } from '../schemas/users.js';
import { permits, relationTo } from './policy.js';
import type { MfpSessionService } from './mfp-session-service.js';
import type { SessionService } from './session-service.js';

/** The caller as the authenticate hook resolved it. */
export interface Caller {
  user: User;
  organization: Organization;
}

/** Roles that exist in an organization of this kind. */
export function rolesFor(kind: Organization['kind']): readonly Role[] {
  return kind === 'customer' ? CUSTOMER_ROLES : PROVIDER_ROLES;
}

const selfChange = () =>
  new HttpError(
    403,
    'self_change',
    'You cannot change your own role, lock state or account; ask another administrator of your organization.',
  );

/** Account administration over the user and session stores. */
export type AccountAdmin = ReturnType<typeof createAccountAdmin>;

/** Creates the account administration service. */
export function createAccountAdmin(deps: {
  users: UsersRepository;
  organizations: OrganizationsRepository;
  sessions: SessionService;
  mfpSessions: Pick<MfpSessionService, 'revokeAllOf'>;
}) {
  const { users, organizations, sessions, mfpSessions } = deps;

  /** The target and where it sits, if the caller may see it at all (else undefined). */
  function locate(caller: Caller, targetId: string) {
    const target = users.findById(targetId);
    const home = target && organizations.findById(target.organizationId);
    if (!target || !home) return undefined;
    const relation = relationTo(caller.organization.id, home);
    const visible = target.id === caller.user.id || permits(caller.user.role, 'users.read', relation);
    return visible ? { target, home, relation } : undefined;
  }

  /** The target the caller may change; 404 when out of sight, 403 when visible but not the caller's to change. */
  function manageable(caller: Caller, targetId: string) {
    const found = locate(caller, targetId);
    if (!found) throw notFound('user');
    if (found.target.id === caller.user.id) throw selfChange();
    if (!permits(caller.user.role, 'users.manage', found.relation)) throw forbidden();
    return found;
  }

  const reload = (id: string): User => {
    const user = users.findById(id);
    if (!user) throw notFound('user');
    return user;
  };

  return {
    /** The user if the caller may see it; else the one 404. */
    read(caller: Caller, targetId: string): User {
      const found = locate(caller, targetId);
      if (!found) throw notFound('user');
      return found.target;
    },

    /** Changes another user's role (one that exists in that organization) and/or group. */
    update(caller: Caller, targetId: string, change: { role?: Role; group?: string | null }): User {
      const { target, home } = manageable(caller, targetId);
      const role = change.role;
      if (role !== undefined && !rolesFor(home.kind).includes(role)) {
        throw new HttpError(
          400,
          'bad_request',
          `A ${home.kind} organization has the roles ${rolesFor(home.kind).join(', ')}; ${role} is not one of them.`,
        );
      }
      if (role !== undefined) users.setRole(target.id, role);
      if (change.group !== undefined) users.setGroup(target.id, change.group);
      return reload(target.id);
    },

    /** Ends a lockout early and clears the failure count. */
    unlock(caller: Caller, targetId: string): User {
      const { target } = manageable(caller, targetId);
      users.setLoginState(target.id, 0, null);
      return reload(target.id);
    },

    /** Disables (every session ends at once) or enables an account. */
    setDisabled(caller: Caller, targetId: string, disabled: boolean): User {
      const { target } = manageable(caller, targetId);
      users.setDisabled(target.id, disabled);
      if (disabled) {
        sessions.revokeAllOf(target.id);
        mfpSessions.revokeAllOf(target.id);
      }
      return reload(target.id);
    },

    /** Deletes an account with its sessions, PIN and cards (cascading foreign keys). */
    delete(caller: Caller, targetId: string): void {
      const { target } = manageable(caller, targetId);
      users.delete(target.id);
    },
  };
}
