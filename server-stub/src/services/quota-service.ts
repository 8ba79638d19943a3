// Per-user monthly page quotas: the print manager's one power in Table 2-1 ("print quota settings only"),
// shared with the customer admin, who manages the users of the organization anyway. A user's effective quota
// is the user's own value if set, else the organization's effective one; an organization quota that a parent
// locked is a ceiling that a user's own value cannot lift.
import { forbidden, HttpError, notFound } from '../errors.js';
import type { OrganizationsRepository } from '../repositories/organizations-repository.js';
import type { UserQuotasRepository } from '../repositories/user-quotas-repository.js';
import type { User } from '../repositories/users-repository.js';
import { POLICY_LIMITS } from '../schemas/organization-policies.js';
import type { QuotaView } from '../schemas/quotas.js';
import type { AccountAdmin, Caller } from './account-admin.js';
import type { OrganizationPolicyService } from './organization-policy-service.js';
import { permits, relationTo } from './policy.js';

const onlyCustomers = () =>
  new HttpError(403, 'forbidden', 'Print quotas apply to the users of customer organizations only.');

const ownQuota = () =>
  new HttpError(
    403,
    'self_change',
    'You cannot change your own print quota; ask another print manager or administrator of your organization.',
  );

/** The quota service. */
export type QuotaService = ReturnType<typeof createQuotaService>;

/** Creates the quota service. */
export function createQuotaService(deps: {
  quotas: UserQuotasRepository;
  organizations: OrganizationsRepository;
  accountAdmin: AccountAdmin;
  policies: OrganizationPolicyService;
  now: () => number;
}) {
  const { quotas, organizations, accountAdmin, policies, now } = deps;

  /** The quota of a user of a customer organization. */
  function viewOf(user: User): QuotaView {
    const org = policies.effective(user.organizationId).monthlyPageQuota;
    const own = quotas.find(user.id);
    const organizationQuota = { value: org.value, from: org.from, locked: org.locked };
    const orgSource = org.from === null ? 'default' : 'organization';
    if (own === null) {
      return {
        userId: user.id,
        monthlyPageQuota: null,
        organizationQuota,
        effectiveMonthlyPageQuota: org.value,
        source: orgSource,
      };
    }
    // A locked organization quota caps the user's own (a value set before the lock stays stored).
    const capped = org.locked && org.value !== null && org.value < own;
    return {
      userId: user.id,
      monthlyPageQuota: own,
      organizationQuota,
      effectiveMonthlyPageQuota: capped ? org.value : own,
      source: capped ? orgSource : 'user',
    };
  }

  /** The target user if the caller sees it (else the one 404), and whether the caller manages its quota. */
  function locate(caller: Caller, userId: string): { target: User; manages: boolean } {
    const target = accountAdmin.read(caller, userId);
    const home = organizations.findById(target.organizationId);
    if (!home) throw notFound('user');
    if (home.kind !== 'customer') throw onlyCustomers();
    const relation = relationTo(caller.organization.id, home);
    const role = caller.user.role;
    // "Print quota settings only" (print manager) or full user management (customer admin).
    const manages = permits(role, 'users.quota', relation) || permits(role, 'users.manage', relation);
    return { target, manages };
  }

  return {
    /** The caller's own quota. */
    own(caller: Caller): QuotaView {
      if (caller.organization.kind !== 'customer') throw onlyCustomers();
      if (!permits(caller.user.role, 'quotas.own', 'own')) throw forbidden();
      return viewOf(caller.user);
    },

    /** A user's quota: for the user itself, and for the print managers and admins of its organization. */
    read(caller: Caller, userId: string): QuotaView {
      const { target, manages } = locate(caller, userId);
      if (!manages && target.id !== caller.user.id) throw forbidden();
      return viewOf(target);
    },

    /** Sets (pages) or clears (null) another user's own quota. */
    set(caller: Caller, userId: string, pages: number | null): QuotaView {
      const { target, manages } = locate(caller, userId);
      if (target.id === caller.user.id) throw ownQuota();
      if (!manages) throw forbidden();
      if (pages !== null) {
        const { min, max } = POLICY_LIMITS.monthlyPageQuota;
        if (pages < min || pages > max) {
          throw new HttpError(
            400,
            'bad_request',
            `monthlyPageQuota must be a whole number of pages from ${min} to ${max}, or null to follow the organization; ${pages} is out of range.`,
          );
        }
        const org = policies.effective(target.organizationId).monthlyPageQuota;
        if (org.locked && org.value !== null && pages > org.value) {
          throw new HttpError(
            409,
            'setting_locked',
            `A parent organization locked the monthly quota at ${org.value} pages; a user's quota may not exceed it.`,
          );
        }
      }
      quotas.set(target.id, pages, now());
      return viewOf(target);
    },
  };
}
