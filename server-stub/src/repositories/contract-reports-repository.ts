// The licence data of an organization's subtree, for contract reports. The only SQL of those reports.
import type { Database } from 'better-sqlite3';
import type { OrganizationKind } from './organizations-repository.js';

/** Licence data of one organization below the report's organization. */
export interface SubtreeRow {
  id: string;
  kind: OrganizationKind;
  /** 1 for a direct child, 2 for a grandchild, and so on. */
  depth: number;
  /** The direct child of the report's organization this organization is in (itself at depth 1). */
  branchId: string;
  /** The customer's licence; null for providers. */
  maxDevices: number | null;
  /** Devices whose token is not revoked (what the licence counts). */
  registeredDevices: number;
  /** Accounts of the organization. */
  users: number;
}

interface Row {
  id: string;
  kind: OrganizationKind;
  depth: number;
  branch_id: string;
  max_devices: number | null;
  registered_devices: number;
  users: number;
}

/** Contract report storage over one SQLite connection. */
export type ContractReportsRepository = ReturnType<typeof createContractReportsRepository>;

/** Creates the contract report repository. */
export function createContractReportsRepository(db: Database) {
  const subtree = db.prepare<[string], Row>(
    `WITH RECURSIVE below(id, depth, branch_id) AS (
       SELECT id, 1, id FROM organizations WHERE parent_id = ?
       UNION ALL
       SELECT o.id, b.depth + 1, b.branch_id FROM organizations o JOIN below b ON o.parent_id = b.id
     )
     SELECT b.id, o.kind, b.depth, b.branch_id, o.max_devices,
       (SELECT count(*) FROM devices d WHERE d.organization_id = b.id AND d.revoked_at IS NULL)
         AS registered_devices,
       (SELECT count(*) FROM users u WHERE u.organization_id = b.id) AS users
     FROM below b JOIN organizations o ON o.id = b.id`,
  );

  return {
    /** Every organization below `organizationId` with its licence data (ids stay inside the server). */
    subtree(organizationId: string): SubtreeRow[] {
      return subtree.all(organizationId).map((r) => ({
        id: r.id,
        kind: r.kind,
        depth: r.depth,
        branchId: r.branch_id,
        maxDevices: r.max_devices,
        registeredDevices: r.registered_devices,
        users: r.users,
      }));
    },
  };
}
