// How an organization's effective policy follows from the overrides along its path to the root: the nearest
// override wins, else the product default; a tree-wide setting comes from the root alone; and a setting
// locked by an ancestor is resolved from the highest ancestor that locked it, so nothing below can change it.
import type { PolicyChainLink } from '../repositories/organization-policies-repository.js';
import { LOCKABLE_SETTINGS, TREE_WIDE_SETTINGS } from '../schemas/organization-policies.js';
import type {
  EffectivePolicy,
  EffectiveSetting,
  LockableSetting,
  PolicySetting,
  PolicyValues,
} from '../schemas/organization-policies.js';

/** The product defaults: what an organization gets when no organization on its path set a value. */
export const POLICY_DEFAULTS: Readonly<PolicyValues> = Object.freeze({
  idleLogoutMinutes: 30,
  passwordPolicy: 'whitepaper',
  spoolingMode: 'local',
  monthlyPageQuota: null,
  printPolicy: Object.freeze({ forceMono: false, forceDuplex: false }),
  retentionDays: 7,
});

/** The highest strict ancestor in `chain` (nearest first) that locks `setting`, as its index; 0 when none. */
export function lockingIndex(chain: readonly PolicyChainLink[], setting: LockableSetting): number {
  for (let i = chain.length - 1; i >= 1; i--) if (chain[i]?.locks[setting]) return i;
  return 0;
}

function resolveFrom<K extends PolicySetting>(
  chain: readonly PolicyChainLink[],
  setting: K,
  start: number,
  locked: boolean,
): EffectiveSetting<PolicyValues[K]> {
  for (let i = start; i < chain.length; i++) {
    const link = chain[i] as PolicyChainLink;
    const value = link.overrides[setting];
    if (value !== null) return { value: value as PolicyValues[K], from: link.organizationId, locked };
  }
  return { value: POLICY_DEFAULTS[setting], from: null, locked };
}

/** The effective policy of chain[0], given the organization and its ancestors up to the root, nearest first. */
export function resolvePolicy(chain: readonly PolicyChainLink[]): EffectivePolicy {
  const root = chain.length - 1;
  const result: Partial<Record<PolicySetting, EffectiveSetting<unknown>>> = {};
  // Tree-wide settings live on the root only; below it they are never the organization's to change.
  for (const setting of TREE_WIDE_SETTINGS) result[setting] = resolveFrom(chain, setting, root, root > 0);
  for (const setting of LOCKABLE_SETTINGS) {
    const start = lockingIndex(chain, setting);
    result[setting] = resolveFrom(chain, setting, start, start > 0);
  }
  return result as EffectivePolicy;
}

/** Just the values of an effective policy. */
export function valuesOf(policy: EffectivePolicy): PolicyValues {
  return {
    idleLogoutMinutes: policy.idleLogoutMinutes.value,
    passwordPolicy: policy.passwordPolicy.value,
    spoolingMode: policy.spoolingMode.value,
    monthlyPageQuota: policy.monthlyPageQuota.value,
    printPolicy: { ...policy.printPolicy.value },
    retentionDays: policy.retentionDays.value,
  };
}
