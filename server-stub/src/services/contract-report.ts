// Builds the contract report from a subtree's licence data: one named row per direct child (a provider
// child carries its whole subtree's totals) and one anonymous sum of everything deeper (Fig. 2-3).
import type { SubtreeRow } from '../repositories/contract-reports-repository.js';
import type { Organization } from '../repositories/organizations-repository.js';
import type { ContractReport, ContractTotals } from '../schemas/contract-reports.js';

const zero = (): ContractTotals => ({ customers: 0, maxDevices: 0, registeredDevices: 0, users: 0 });

// Licence data belongs to customers: a provider's own staff and (absent) devices are not contract data.
function add(totals: ContractTotals, row: SubtreeRow): void {
  if (row.kind !== 'customer') return;
  totals.customers += 1;
  totals.maxDevices += row.maxDevices ?? 0;
  totals.registeredDevices += row.registeredDevices;
  totals.users += row.users;
}

/** The report of `organizationId`, given its direct children and every organization below it. */
export function buildContractReport(
  organizationId: string,
  children: readonly Organization[],
  subtree: readonly SubtreeRow[],
  now: number,
): ContractReport {
  const byBranch = new Map<string, ContractTotals>(children.map((c) => [c.id, zero()]));
  const deeper = { organizations: 0, ...zero() };
  for (const row of subtree) {
    const branch = byBranch.get(row.branchId);
    if (branch) add(branch, row);
    if (row.depth >= 2) {
      deeper.organizations += 1;
      add(deeper, row);
    }
  }
  return {
    organizationId,
    generatedAt: new Date(now).toISOString(),
    children: children.map((c) => ({
      id: c.id,
      name: c.name,
      kind: c.kind,
      ...(byBranch.get(c.id) ?? zero()),
    })),
    deeperDescendants: deeper,
  };
}
