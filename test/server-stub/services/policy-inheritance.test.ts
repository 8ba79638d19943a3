import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EMPTY_POLICY } from '../../../server-stub/src/repositories/organization-policies-repository.js';
import type { PolicyChainLink } from '../../../server-stub/src/repositories/organization-policies-repository.js';
import type { PolicyLocks, PolicyOverrides } from '../../../server-stub/src/schemas/organization-policies.js';
import {
  POLICY_DEFAULTS,
  resolvePolicy,
  valuesOf,
} from '../../../server-stub/src/services/policy-inheritance.js';

/** A chain link with some overrides and locks. */
const link = (
  id: string,
  overrides: Partial<PolicyOverrides> = {},
  locks: Partial<PolicyLocks> = {},
): PolicyChainLink => ({
  organizationId: id,
  parentId: null,
  overrides: { ...EMPTY_POLICY.overrides, ...overrides },
  locks: { ...EMPTY_POLICY.locks, ...locks },
});

describe('policy inheritance', () => {
  it('answers the product defaults for a lone root without overrides', () => {
    assert.deepEqual(valuesOf(resolvePolicy([link('root')])), POLICY_DEFAULTS);
    assert.deepEqual(resolvePolicy([link('root')]).retentionDays, { value: 7, from: null, locked: false });
  });

  it('takes the nearest override on the way to the root', () => {
    const chain = [
      link('customer', { retentionDays: 3 }),
      link('dealer', { retentionDays: 10, spoolingMode: 'cloud' }),
      link('root', { retentionDays: 30, monthlyPageQuota: 0 }),
    ];
    const policy = resolvePolicy(chain);
    assert.deepEqual(policy.retentionDays, { value: 3, from: 'customer', locked: false });
    assert.deepEqual(policy.spoolingMode, { value: 'cloud', from: 'dealer', locked: false });
    assert.deepEqual(policy.monthlyPageQuota, { value: 0, from: 'root', locked: false }, '0 is a value');
  });

  it('reads tree-wide settings from the root alone', () => {
    const chain = [link('customer', { idleLogoutMinutes: 5 }), link('root', { passwordPolicy: 'asvs' })];
    const policy = resolvePolicy(chain);
    assert.deepEqual(policy.idleLogoutMinutes, { value: 30, from: null, locked: true });
    assert.deepEqual(policy.passwordPolicy, { value: 'asvs', from: 'root', locked: true });
    assert.equal(resolvePolicy([link('root', { idleLogoutMinutes: 5 })]).idleLogoutMinutes.locked, false);
  });

  it('resolves a locked setting from the highest ancestor that locked it', () => {
    const chain = [
      link('customer', { printPolicy: { forceMono: false, forceDuplex: false } }),
      link('dealer', { printPolicy: { forceMono: true, forceDuplex: false } }, { printPolicy: true }),
      link('sales', {}, { printPolicy: true }),
      link('root', { printPolicy: { forceMono: true, forceDuplex: true } }),
    ];
    // Sales locked without a value of its own: what it inherits (the root's) binds everything below.
    assert.deepEqual(resolvePolicy(chain).printPolicy, {
      value: { forceMono: true, forceDuplex: true },
      from: 'root',
      locked: true,
    });
    // The dealer's own value gives way to the lock above it too.
    assert.equal(resolvePolicy(chain.slice(1)).printPolicy.from, 'root');
    // An organization's own lock binds its subtree, not itself.
    const dealerUnderRoot = [chain[1] as PolicyChainLink, chain[3] as PolicyChainLink];
    assert.deepEqual(resolvePolicy(dealerUnderRoot).printPolicy, {
      value: { forceMono: true, forceDuplex: false },
      from: 'dealer',
      locked: false,
    });
    assert.equal(resolvePolicy(chain.slice(2)).printPolicy.locked, false);
  });
});
