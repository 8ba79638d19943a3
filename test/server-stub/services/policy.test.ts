import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { permits, POLICY, relationTo } from '../../../server-stub/src/services/policy.js';
import type { Permission } from '../../../server-stub/src/services/policy.js';
import { ROLES } from '../../../server-stub/src/schemas/users.js';
import type { Role } from '../../../server-stub/src/schemas/users.js';

// Table 2-1, column by column, for the caller's own organization ('own') or a direct child ('child').
// Each row: permission, relation, then the expected verdict for each role in ROLES order
// (provider_admin, provider_support, customer_admin, customer_user, print_manager).
const TABLE: [Permission, 'own' | 'child', boolean[]][] = [
  // "Users of customer organization": customer admin only; print manager for quota settings only. A
  // provider admin manages the accounts of its own provider organization ...
  ['users.read', 'own', [true, false, true, false, true]],
  ['users.create', 'own', [true, false, true, false, false]],
  ['users.manage', 'own', [true, false, true, false, false]],
  ['users.quota', 'own', [false, false, false, false, true]],
  ['users.read', 'child', [false, false, false, false, false]],
  // ... and never the users of a child organization.
  ['users.manage', 'child', [false, false, false, false, false]],
  // "Devices of customer organization": providers (of their children) and the customer admin.
  ['devices.read', 'child', [true, true, false, false, false]],
  ['devices.read', 'own', [false, false, true, false, false]],
  ['devices.manage', 'child', [true, false, false, false, false]],
  // "Report": the customer admin's user, group and device reports; a user's own log.
  ['reports.customer', 'own', [false, false, true, false, false]],
  ['reports.customer', 'child', [false, false, false, false, false]],
  ['reports.own', 'own', [false, false, true, true, false]],
  // "Customer job data": own jobs only, for customer roles; never for providers.
  ['jobs.own', 'own', [false, false, true, true, true]],
  ['jobs.own', 'child', [false, false, false, false, false]],
  // Accounts: a provider admin creates child organizations and their admins.
  ['organizations.create', 'own', [true, false, false, false, false]],
  ['organizations.create-admin', 'child', [true, false, false, false, false]],
  ['organizations.create-admin', 'own', [false, false, false, false, false]],
  // Licence data of a child customer is set by its parent's provider admin, never by the customer.
  ['organizations.update', 'child', [true, false, false, false, false]],
  ['organizations.update', 'own', [false, false, false, false, false]],
  ['devices.manage', 'own', [false, false, true, false, false]],
  // The desktop client registers itself at the first login of any user of a customer.
  ['devices.register-desktop', 'own', [false, false, true, true, true]],
  ['devices.register-desktop', 'child', [false, false, false, false, false]],
];

describe('access policy (Table 2-1)', () => {
  for (const [permission, relation, expected] of TABLE) {
    ROLES.forEach((role, i) => {
      it(`${expected[i] ? 'lets' : 'does not let'} a ${role} use ${permission} on its ${relation} organization`, () => {
        assert.equal(permits(role, permission, relation), expected[i]);
      });
    });
  }

  it('grants nothing on an organization that is neither its own nor a direct child', () => {
    for (const role of ROLES) {
      for (const permission of Object.keys(POLICY[role]) as Permission[]) {
        assert.equal(permits(role as Role, permission, 'other'), false, `${role} ${permission}`);
      }
    }
  });

  it('classifies own, direct child and everything else (grandchildren, parents, siblings)', () => {
    const org = (id: string, parentId: string | null) => ({
      id,
      parentId,
      kind: 'provider' as const,
      name: id,
      createdAt: 0,
    });
    assert.equal(relationTo('a', org('a', null)), 'own');
    assert.equal(relationTo('a', org('b', 'a')), 'child');
    assert.equal(relationTo('a', org('c', 'b')), 'other');
    assert.equal(relationTo('b', org('a', null)), 'other');
    assert.equal(relationTo('b', org('s', 'a')), 'other');
  });
});
