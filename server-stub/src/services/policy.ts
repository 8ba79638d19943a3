// Whitepaper Table 2-1 as data: which role may do what, and how far (its own organization, its direct
// children, or only itself). Routes ask `permits` and never check roles themselves.
import type { Organization } from '../repositories/organizations-repository.js';
import type { Role } from '../schemas/users.js';

/** Everything a route may ask permission for. */
export type Permission =
  | 'organizations.read' // see an organization by name
  | 'organizations.create' // create a child organization
  | 'organizations.create-admin' // create the first admin of a child organization
  | 'organizations.update' // rename a child organization, set its licence data
  | 'users.read' // list and read the users of an organization (customer admins: theirs; provider admins: their colleagues)
  | 'users.create' // create users in the caller's organization
  | 'users.manage' // change role, unlock, disable, enable, delete others of the caller's organization
  | 'users.quota' // change print quota settings of users (print manager)
  | 'devices.read'
  | 'devices.manage'
  | 'devices.register-desktop' // a user registers the desktop client it logs in on (within the licence)
  | 'reports.customer' // user, user-group and device reports of the organization
  | 'reports.own' // the caller's own print and scan log
  | 'jobs.own' // the caller's own print and scan jobs
  | 'credentials.manage' // set, generate and delete the PINs and ID cards of the users of an organization
  | 'credentials.settings' // choose the PIN length of a customer organization
  | 'policies.read' // the stored policy overrides, locks and effective values of an organization
  | 'policies.update' // set or clear overrides (spooling, quota, print policy, retention) and locks
  | 'policies.update-tree' // tree-wide settings (idle logout, password mode), on the root organization only
  | 'policies.effective' // the effective policy of the caller's own organization
  | 'quotas.own' // the caller's own effective print quota
  | 'reports.contracts'; // contract report: direct children by name, deeper descendants only aggregated

/** How far a permission reaches from the caller's organization. */
export type Reach = 'own' | 'children' | 'own-and-children' | 'self';

/** Table 2-1 (and the account rules), one row per role. A missing cell means no access. */
export const POLICY: Readonly<Record<Role, Readonly<Partial<Record<Permission, Reach>>>>> = {
  provider_admin: {
    'organizations.read': 'own-and-children',
    'organizations.create': 'own',
    'organizations.create-admin': 'children',
    'organizations.update': 'children',
    'users.read': 'own',
    'users.create': 'own',
    'users.manage': 'own',
    'devices.read': 'children',
    'devices.manage': 'children',
    'policies.read': 'own-and-children',
    'policies.update': 'own-and-children',
    'policies.update-tree': 'own',
    'policies.effective': 'own',
    'reports.contracts': 'own',
  },
  provider_support: {
    'organizations.read': 'own-and-children',
    'devices.read': 'children',
    'policies.read': 'own-and-children',
    'policies.effective': 'own',
    'reports.contracts': 'own',
  },
  customer_admin: {
    'organizations.read': 'own',
    'devices.register-desktop': 'own',
    'users.read': 'own',
    'users.create': 'own',
    'users.manage': 'own',
    'devices.read': 'own',
    'devices.manage': 'own',
    'reports.customer': 'own',
    'reports.own': 'self',
    'jobs.own': 'self',
    'credentials.manage': 'own',
    'credentials.settings': 'own',
    'policies.read': 'own',
    'policies.update': 'own',
    'policies.effective': 'own',
    'quotas.own': 'self',
  },
  customer_user: {
    'organizations.read': 'own',
    'devices.register-desktop': 'own',
    'reports.own': 'self',
    'jobs.own': 'self',
    'policies.effective': 'own',
    'quotas.own': 'self',
  },
  print_manager: {
    'organizations.read': 'own',
    'devices.register-desktop': 'own',
    'users.read': 'own',
    'users.quota': 'own',
    'jobs.own': 'self',
    'policies.effective': 'own',
    'quotas.own': 'self',
  },
};

/** Where a target organization sits relative to the caller's. */
export type Relation = 'own' | 'child' | 'other';

/** The relation of `target` to the caller's organization (deeper descendants count as `other`). */
export function relationTo(
  callerOrganizationId: string,
  target: Pick<Organization, 'id' | 'parentId'>,
): Relation {
  if (target.id === callerOrganizationId) return 'own';
  if (target.parentId === callerOrganizationId) return 'child';
  return 'other';
}

/** The reach of a permission for a role, or undefined when the role lacks it. */
export function reachOf(role: Role, permission: Permission): Reach | undefined {
  return POLICY[role][permission];
}

/** True when `role` may use `permission` on an organization in `relation` to its own. */
export function permits(role: Role, permission: Permission, relation: Relation): boolean {
  const reach = reachOf(role, permission);
  switch (reach) {
    case 'own':
    case 'self':
      return relation === 'own';
    case 'children':
      return relation === 'child';
    case 'own-and-children':
      return relation === 'own' || relation === 'child';
    case undefined:
      return false;
  }
}
