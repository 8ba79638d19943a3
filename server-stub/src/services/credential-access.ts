// Who may administer whose PIN and ID cards (Table 2-1, "Users of customer organization"): the customer
// admins of the user's own organization. Like account-admin.ts, a user out of the caller's sight answers
// the one 404 (so a customer user cannot even probe a colleague's PIN), and a user in sight whom the
// caller's role may not administer (oneself as a customer user, a colleague for a print manager) 403.
import { forbidden, notFound } from '../errors.js';
import type { Organization, OrganizationsRepository } from '../repositories/organizations-repository.js';
import type { User, UsersRepository } from '../repositories/users-repository.js';
import type { Caller } from './account-admin.js';
import { permits, relationTo } from './policy.js';

/** Access checks for the PIN and card routes. */
export type CredentialAccess = ReturnType<typeof createCredentialAccess>;

/** Creates the access checks. */
export function createCredentialAccess(deps: {
  users: UsersRepository;
  organizations: OrganizationsRepository;
}) {
  const { users, organizations } = deps;
  return {
    /** The user whose PIN and cards the caller may administer, with that user's organization. */
    manageable(caller: Caller, targetId: string): { target: User; organization: Organization } {
      const target = users.findById(targetId);
      const home = target && organizations.findById(target.organizationId);
      if (!target || !home) throw notFound('user');
      const relation = relationTo(caller.organization.id, home);
      const visible = target.id === caller.user.id || permits(caller.user.role, 'users.read', relation);
      if (!visible) throw notFound('user');
      if (!permits(caller.user.role, 'credentials.manage', relation)) throw forbidden();
      return { target, organization: home };
    },

    /** The organization whose PIN settings the caller may read and change. */
    settingsOf(caller: Caller, organizationId: string): Organization {
      const target = organizations.findById(organizationId);
      const relation = target && relationTo(caller.organization.id, target);
      if (!target || !relation || !permits(caller.user.role, 'organizations.read', relation)) {
        throw notFound('organization');
      }
      if (!permits(caller.user.role, 'credentials.settings', relation)) throw forbidden();
      return target;
    },
  };
}
