// Storage of the policy overrides of organizations. The only module that writes SQL for them.
import type { Database } from 'better-sqlite3';
import type {
  PasswordMode,
  PolicyLocks,
  PolicyOverrides,
  SpoolingMode,
} from '../schemas/organization-policies.js';

/** An organization's stored policy: its overrides and the settings it locks for its subtree. */
export interface StoredPolicy {
  overrides: PolicyOverrides;
  locks: PolicyLocks;
}

/** An organization on the way from one organization up to the root, with its stored policy. */
export interface PolicyChainLink extends StoredPolicy {
  organizationId: string;
  parentId: string | null;
}

interface PolicyRow {
  organization_id: string;
  idle_logout_minutes: number | null;
  password_policy: PasswordMode | null;
  spooling_mode: SpoolingMode | null;
  monthly_page_quota: number | null;
  force_mono: number | null;
  force_duplex: number | null;
  retention_days: number | null;
  lock_spooling_mode: number;
  lock_monthly_page_quota: number;
  lock_print_policy: number;
  lock_retention_days: number;
  updated_at: number;
}

/** No overrides and no locks: what an organization without a row has. */
export const EMPTY_POLICY: StoredPolicy = Object.freeze({
  overrides: Object.freeze({
    idleLogoutMinutes: null,
    passwordPolicy: null,
    spoolingMode: null,
    monthlyPageQuota: null,
    printPolicy: null,
    retentionDays: null,
  }),
  locks: Object.freeze({
    spoolingMode: false,
    monthlyPageQuota: false,
    printPolicy: false,
    retentionDays: false,
  }),
});

const toStoredPolicy = (r: Partial<PolicyRow>): StoredPolicy => ({
  overrides: {
    idleLogoutMinutes: r.idle_logout_minutes ?? null,
    passwordPolicy: r.password_policy ?? null,
    spoolingMode: r.spooling_mode ?? null,
    monthlyPageQuota: r.monthly_page_quota ?? null,
    printPolicy:
      r.force_mono === null ||
      r.force_mono === undefined ||
      r.force_duplex === null ||
      r.force_duplex === undefined
        ? null
        : { forceMono: r.force_mono === 1, forceDuplex: r.force_duplex === 1 },
    retentionDays: r.retention_days ?? null,
  },
  locks: {
    spoolingMode: r.lock_spooling_mode === 1,
    monthlyPageQuota: r.lock_monthly_page_quota === 1,
    printPolicy: r.lock_print_policy === 1,
    retentionDays: r.lock_retention_days === 1,
  },
});

const flag = (b: boolean | undefined): number | null => (b === undefined ? null : b ? 1 : 0);

/** Policy storage over one SQLite connection. */
export type OrganizationPoliciesRepository = ReturnType<typeof createOrganizationPoliciesRepository>;

/** Creates the organization policy repository. */
export function createOrganizationPoliciesRepository(db: Database) {
  const byOrganization = db.prepare<[string], PolicyRow>(
    'SELECT * FROM organization_policies WHERE organization_id = ?',
  );
  // The organization and its ancestors, nearest first, each with its stored policy (if any).
  const chain = db.prepare<[string], Partial<PolicyRow> & { id: string; parent_id: string | null }>(
    `WITH RECURSIVE chain(id, parent_id, depth) AS (
       SELECT id, parent_id, 0 FROM organizations WHERE id = ?
       UNION ALL
       SELECT o.id, o.parent_id, c.depth + 1 FROM organizations o JOIN chain c ON o.id = c.parent_id
     )
     SELECT c.id, c.parent_id, p.* FROM chain c
       LEFT JOIN organization_policies p ON p.organization_id = c.id
     ORDER BY c.depth`,
  );
  const rootPasswordPolicy = db.prepare<[], { password_policy: PasswordMode | null }>(
    `SELECT p.password_policy FROM organizations o
       LEFT JOIN organization_policies p ON p.organization_id = o.id
     WHERE o.parent_id IS NULL`,
  );
  const upsert = db.prepare<[PolicyRow]>(
    `INSERT INTO organization_policies (organization_id, idle_logout_minutes, password_policy, spooling_mode,
       monthly_page_quota, force_mono, force_duplex, retention_days, lock_spooling_mode,
       lock_monthly_page_quota, lock_print_policy, lock_retention_days, updated_at)
     VALUES (@organization_id, @idle_logout_minutes, @password_policy, @spooling_mode, @monthly_page_quota,
       @force_mono, @force_duplex, @retention_days, @lock_spooling_mode, @lock_monthly_page_quota,
       @lock_print_policy, @lock_retention_days, @updated_at)
     ON CONFLICT (organization_id) DO UPDATE SET
       idle_logout_minutes = excluded.idle_logout_minutes, password_policy = excluded.password_policy,
       spooling_mode = excluded.spooling_mode, monthly_page_quota = excluded.monthly_page_quota,
       force_mono = excluded.force_mono, force_duplex = excluded.force_duplex,
       retention_days = excluded.retention_days, lock_spooling_mode = excluded.lock_spooling_mode,
       lock_monthly_page_quota = excluded.lock_monthly_page_quota, lock_print_policy = excluded.lock_print_policy,
       lock_retention_days = excluded.lock_retention_days, updated_at = excluded.updated_at`,
  );

  return {
    /** The stored policy of one organization (no overrides, no locks when it never set any). */
    find(organizationId: string): StoredPolicy {
      const row = byOrganization.get(organizationId);
      return row ? toStoredPolicy(row) : EMPTY_POLICY;
    },
    /** The organization and its ancestors up to the root, nearest first; empty for an unknown id. */
    chain(organizationId: string): PolicyChainLink[] {
      return chain.all(organizationId).map((r) => ({
        organizationId: r.id,
        parentId: r.parent_id,
        ...toStoredPolicy(r),
      }));
    },
    /** The password mode the root organization stores, or null when it set none (or before the bootstrap). */
    rootPasswordPolicy(): PasswordMode | null {
      return rootPasswordPolicy.get()?.password_policy ?? null;
    },
    /** Stores the whole policy of one organization. */
    save(organizationId: string, policy: StoredPolicy, at: number): void {
      const o = policy.overrides;
      upsert.run({
        organization_id: organizationId,
        idle_logout_minutes: o.idleLogoutMinutes,
        password_policy: o.passwordPolicy,
        spooling_mode: o.spoolingMode,
        monthly_page_quota: o.monthlyPageQuota,
        force_mono: flag(o.printPolicy?.forceMono),
        force_duplex: flag(o.printPolicy?.forceDuplex),
        retention_days: o.retentionDays,
        lock_spooling_mode: policy.locks.spoolingMode ? 1 : 0,
        lock_monthly_page_quota: policy.locks.monthlyPageQuota ? 1 : 0,
        lock_print_policy: policy.locks.printPolicy ? 1 : 0,
        lock_retention_days: policy.locks.retentionDays ? 1 : 0,
        updated_at: at,
      });
    },
  };
}
