// Organization policies: who may read and set which setting where (Table 2-1 through `permits`), the limits
// of each value, locks, and the effective policy a user, a device or the password check gets.
import { forbidden, HttpError, notFound } from '../errors.js';
import type { Organization, OrganizationsRepository } from '../repositories/organizations-repository.js';
import type { OrganizationPoliciesRepository } from '../repositories/organization-policies-repository.js';
import { LOCKABLE_SETTINGS, POLICY_LIMITS, TREE_WIDE_SETTINGS } from '../schemas/organization-policies.js';
import type {
  EffectivePolicy,
  OrganizationPolicyView,
  PasswordMode,
  PolicyOverrides,
  PolicyValues,
  UpdatePolicyBody,
} from '../schemas/organization-policies.js';
import type { Caller } from './account-admin.js';
import { checkPassword } from './password-policy.js';
import type { PasswordCheckOptions } from './password-policy.js';
import { POLICY_DEFAULTS, lockingIndex, resolvePolicy, valuesOf } from './policy-inheritance.js';
import { permits, relationTo } from './policy.js';

const RANGE_TEXT = {
  idleLogoutMinutes: 'a whole number of minutes from 1 to 1440 (24 hours)',
  monthlyPageQuota: 'a whole number of pages from 0 to 10000000, or null for no quota',
  retentionDays: 'a whole number of days from 1 to 3650 (10 years)',
} as const;

const outOfRange = (setting: keyof typeof POLICY_LIMITS, value: number) =>
  new HttpError(400, 'bad_request', `${setting} must be ${RANGE_TEXT[setting]}; ${value} is out of range.`);

const treeWideOnly = (setting: string) =>
  new HttpError(
    403,
    'forbidden',
    `${setting} applies to the whole organization tree: only an administrator of the root provider sets it, on the root organization.`,
  );

const lockedAbove = (setting: string) =>
  new HttpError(
    409,
    'setting_locked',
    `${setting} is locked by a parent organization for everything below it; ask that organization's administrator to change or unlock it.`,
  );

const nothingToLock = () =>
  new HttpError(
    400,
    'bad_request',
    'A customer organization has no child organizations, so it has nothing to lock; set the value alone.',
  );

const emptyChange = () =>
  new HttpError(400, 'bad_request', 'Name at least one setting to change (a value sets it, null clears it).');

/** The organization policy service. */
export type OrganizationPolicyService = ReturnType<typeof createOrganizationPolicyService>;

/** Creates the organization policy service. */
export function createOrganizationPolicyService(deps: {
  organizations: OrganizationsRepository;
  policies: OrganizationPoliciesRepository;
  /** Runs `fn` in one database transaction. */
  transaction: <T>(fn: () => T) => T;
  now: () => number;
}) {
  const { organizations, policies, transaction, now } = deps;

  /** The effective policy of an organization, with the origin of each value. */
  function effective(organizationId: string): EffectivePolicy {
    const chain = policies.chain(organizationId);
    if (chain.length === 0) throw notFound('organization');
    return resolvePolicy(chain);
  }

  /** The password mode of the tree: the root's choice, else the whitepaper's rules. */
  function passwordMode(): PasswordMode {
    return policies.rootPasswordPolicy() ?? POLICY_DEFAULTS.passwordPolicy;
  }

  function view(organizationId: string): OrganizationPolicyView {
    const stored = policies.find(organizationId);
    return {
      organizationId,
      overrides: { ...stored.overrides },
      locks: { ...stored.locks },
      effective: effective(organizationId),
    };
  }

  /** The target if the caller sees it at all (else the one 404), with its relation to the caller. */
  function visible(
    caller: Caller,
    targetId: string,
  ): { target: Organization; relation: ReturnType<typeof relationTo> } {
    const target = organizations.findById(targetId);
    const relation = target && relationTo(caller.organization.id, target);
    if (!target || !relation || !permits(caller.user.role, 'organizations.read', relation)) {
      throw notFound('organization');
    }
    return { target, relation };
  }

  function checkLimits(body: UpdatePolicyBody): void {
    for (const setting of ['idleLogoutMinutes', 'monthlyPageQuota', 'retentionDays'] as const) {
      const value = body[setting];
      if (value === undefined || value === null) continue;
      const { min, max } = POLICY_LIMITS[setting];
      if (value < min || value > max) throw outOfRange(setting, value);
    }
  }

  return {
    effective,

    /** Just the effective values of an organization (what the desktop and the job service apply). */
    values(organizationId: string): PolicyValues {
      return valuesOf(effective(organizationId));
    },

    passwordMode,

    /** Checks a new password against the rules the tree is in now (the user service's check). */
    checkPassword(password: string, options: PasswordCheckOptions = {}) {
      return checkPassword(password, { ...options, mode: passwordMode() });
    },

    /** The stored overrides, locks and effective values of an organization the caller may read. */
    read(caller: Caller, targetId: string): OrganizationPolicyView {
      const { target, relation } = visible(caller, targetId);
      if (!permits(caller.user.role, 'policies.read', relation)) throw forbidden();
      return view(target.id);
    },

    /** Sets (value) or clears (null) overrides and locks of an organization; answers its new view. */
    update(caller: Caller, targetId: string, body: UpdatePolicyBody): OrganizationPolicyView {
      const { target, relation } = visible(caller, targetId);
      const role = caller.user.role;
      if (!permits(role, 'policies.update', relation)) throw forbidden();
      const keys = Object.keys(body).filter((k) => body[k as keyof UpdatePolicyBody] !== undefined);
      if (keys.length === 0 || (keys.length === 1 && body.locks && Object.keys(body.locks).length === 0)) {
        throw emptyChange();
      }
      for (const setting of TREE_WIDE_SETTINGS) {
        if (body[setting] === undefined) continue;
        // The root's own admins only, on the root itself: every organization of the tree follows it.
        if (!permits(role, 'policies.update-tree', relation) || target.parentId !== null) {
          throw treeWideOnly(setting);
        }
      }
      checkLimits(body);
      if (body.locks && Object.keys(body.locks).length > 0 && target.kind !== 'provider')
        throw nothingToLock();

      return transaction(() => {
        const chain = policies.chain(target.id);
        for (const setting of LOCKABLE_SETTINGS) {
          const value = body[setting];
          // Clearing is always allowed: it cannot loosen what a lock above already decides.
          if (value !== undefined && value !== null && lockingIndex(chain, setting) > 0) {
            throw lockedAbove(setting);
          }
        }
        const stored = policies.find(target.id);
        const overrides: PolicyOverrides = { ...stored.overrides };
        for (const setting of [...TREE_WIDE_SETTINGS, ...LOCKABLE_SETTINGS]) {
          const value = body[setting];
          if (value !== undefined) (overrides as Record<string, unknown>)[setting] = value;
        }
        const locks = { ...stored.locks, ...body.locks };
        policies.save(target.id, { overrides, locks }, now());
        return view(target.id);
      });
    },
  };
}
