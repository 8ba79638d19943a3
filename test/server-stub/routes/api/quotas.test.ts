import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import { DATABASE_FILE } from '../../../../server-stub/src/db/database.js';
import { bearer, buildTestApp, tokenFor } from '../../helper.js';
import { createUser } from '../../mfp.js';
import { buildTenants, PASSWORD } from '../../tenants.js';

interface QuotaView {
  userId: string;
  monthlyPageQuota: number | null;
  organizationQuota: { value: number | null; from: string | null; locked: boolean };
  effectiveMonthlyPageQuota: number | null;
  source: string;
}

async function addUser(app: FastifyInstance, adminToken: string, username: string, role: string) {
  const id = await createUser(app, adminToken, username, role);
  return { id, token: await tokenFor(app, username, PASSWORD) };
}

const put = (app: FastifyInstance, token: string, userId: string, monthlyPageQuota: unknown) =>
  app.inject({
    method: 'PUT',
    url: `/api/v1/users/${userId}/quota`,
    headers: bearer(token),
    payload: { monthlyPageQuota },
  });

const get = (app: FastifyInstance, token: string, userId: string) =>
  app.inject({ url: `/api/v1/users/${userId}/quota`, headers: bearer(token) });

const mine = async (app: FastifyInstance, token: string): Promise<QuotaView> => {
  const res = await app.inject({ url: '/api/v1/me/quota', headers: bearer(token) });
  assert.equal(res.statusCode, 200, res.body);
  return res.json() as QuotaView;
};

const policy = (app: FastifyInstance, token: string, orgId: string, payload: object) =>
  app.inject({
    method: 'PATCH',
    url: `/api/v1/organizations/${orgId}/policy`,
    headers: bearer(token),
    payload,
  });

describe('per-user print quotas', () => {
  it("lets the print manager and the customer admin set a user's quota, which beats the organization's", async (t) => {
    const { app, dataDir } = await buildTestApp(t);
    const { root, customerA } = await buildTenants(app);
    const pm = await addUser(app, customerA.adminToken, 'pm-a', 'print_manager');
    const user = await addUser(app, customerA.adminToken, 'user-a', 'customer_user');

    // Nothing set anywhere: no quota.
    assert.deepEqual(await mine(app, user.token), {
      userId: user.id,
      monthlyPageQuota: null,
      organizationQuota: { value: null, from: null, locked: false },
      effectiveMonthlyPageQuota: null,
      source: 'default',
    });
    // The organization's quota (here inherited from the root) applies until the user gets one.
    assert.equal((await policy(app, root.token, root.orgId, { monthlyPageQuota: 300 })).statusCode, 200);
    const inherited = await mine(app, user.token);
    assert.equal(inherited.effectiveMonthlyPageQuota, 300);
    assert.equal(inherited.source, 'organization');
    assert.equal(inherited.organizationQuota.from, root.orgId);

    const set = await put(app, pm.token, user.id, 50);
    assert.equal(set.statusCode, 200, set.body);
    assert.equal((set.json() as QuotaView).effectiveMonthlyPageQuota, 50);
    assert.deepEqual(await mine(app, user.token), {
      userId: user.id,
      monthlyPageQuota: 50,
      organizationQuota: { value: 300, from: root.orgId, locked: false },
      effectiveMonthlyPageQuota: 50,
      source: 'user',
    });
    const db = new BetterSqlite3(join(dataDir, DATABASE_FILE), { readonly: true });
    t.after(() => db.close());
    const stored = () =>
      db.prepare('SELECT monthly_page_quota FROM user_quotas WHERE user_id = ?').pluck().get(user.id);
    assert.equal(stored(), 50);

    // The customer admin may change it too, and read it; zero pages is a quota.
    assert.equal((await put(app, customerA.adminToken, user.id, 0)).statusCode, 200);
    const read = await get(app, customerA.adminToken, user.id);
    assert.equal((read.json() as QuotaView).effectiveMonthlyPageQuota, 0);
    assert.equal((await get(app, pm.token, user.id)).statusCode, 200);

    // null clears the user's own value: the organization's applies again.
    const cleared = await put(app, pm.token, user.id, null);
    assert.equal((cleared.json() as QuotaView).effectiveMonthlyPageQuota, 300);
    assert.equal(stored(), undefined);
  });

  it('refuses bad values, self-service and everyone else, with 404 for users out of sight', async (t) => {
    const { app } = await buildTestApp(t);
    const tenants = await buildTenants(app);
    const { customerA, customerC, salesB, root } = tenants;
    const pm = await addUser(app, customerA.adminToken, 'pm-a', 'print_manager');
    const user = await addUser(app, customerA.adminToken, 'user-a', 'customer_user');
    const other = await addUser(app, customerA.adminToken, 'user-b', 'customer_user');
    const pmC = await addUser(app, customerC.adminToken, 'pm-c', 'print_manager');

    for (const bad of [-1, 10_000_001, 2.5, '100']) {
      assert.equal((await put(app, pm.token, user.id, bad)).statusCode, 400, String(bad));
    }
    const extra = await app.inject({
      method: 'PUT',
      url: `/api/v1/users/${user.id}/quota`,
      headers: bearer(pm.token),
      payload: { monthlyPageQuota: 5, unlimited: true },
    });
    assert.equal(extra.statusCode, 400);

    // A customer user sees its own quota but cannot change it, and does not see others'.
    assert.equal((await get(app, user.token, user.id)).statusCode, 200);
    assert.equal((await put(app, user.token, user.id, 1000)).statusCode, 403);
    const hidden = await get(app, user.token, other.id);
    assert.equal(hidden.statusCode, 404);
    assert.equal((await put(app, user.token, other.id, 1000)).statusCode, 404);
    // Nobody raises their own quota.
    const self = await put(app, pm.token, pm.id, 1000);
    assert.equal(self.statusCode, 403);
    assert.equal((self.json() as { error: string }).error, 'self_change');

    // Another organization's print manager gets the same 404 as for an unknown id.
    const foreign = await put(app, pmC.token, user.id, 1000);
    const unknown = await put(app, pmC.token, 'no-such-user', 1000);
    assert.equal(foreign.statusCode, 404);
    assert.deepEqual(foreign.json(), unknown.json());
    assert.equal((await get(app, pmC.token, user.id)).statusCode, 404);
    // Providers never reach a customer's users (Table 2-1).
    assert.equal((await put(app, root.token, user.id, 1000)).statusCode, 404);
    assert.equal((await get(app, salesB.token, user.id)).statusCode, 404);
    // Provider accounts have no print quota.
    const meRoot = await app.inject({ url: '/api/v1/me/quota', headers: bearer(root.token) });
    assert.equal(meRoot.statusCode, 403);
    // None of the refused requests stored anything.
    assert.equal((await mine(app, user.token)).monthlyPageQuota, null);
  });

  it("caps a user's quota at an organization quota a provider locked", async (t) => {
    const { app } = await buildTestApp(t);
    const { salesB, customerC } = await buildTenants(app);
    const pm = await addUser(app, customerC.adminToken, 'pm-c', 'print_manager');
    const user = await addUser(app, customerC.adminToken, 'user-c', 'customer_user');
    assert.equal((await put(app, pm.token, user.id, 900)).statusCode, 200);
    const lock = await policy(app, salesB.token, salesB.orgId, {
      monthlyPageQuota: 500,
      locks: { monthlyPageQuota: true },
    });
    assert.equal(lock.statusCode, 200, lock.body);
    const capped = await mine(app, user.token);
    assert.equal(capped.monthlyPageQuota, 900);
    assert.equal(capped.effectiveMonthlyPageQuota, 500);
    assert.equal(capped.source, 'organization');
    assert.equal((await put(app, pm.token, user.id, 600)).statusCode, 409);
    assert.equal((await put(app, pm.token, user.id, 200)).statusCode, 200, 'stricter is allowed');
    assert.equal((await mine(app, user.token)).effectiveMonthlyPageQuota, 200);
  });

  it('removes the quota with its user', async (t) => {
    const { app, dataDir } = await buildTestApp(t);
    const { customerA } = await buildTenants(app);
    const user = await addUser(app, customerA.adminToken, 'user-a', 'customer_user');
    assert.equal((await put(app, customerA.adminToken, user.id, 10)).statusCode, 200);
    const del = await app.inject({
      method: 'DELETE',
      url: `/api/v1/users/${user.id}`,
      headers: bearer(customerA.adminToken),
    });
    assert.equal(del.statusCode, 204);
    const db = new BetterSqlite3(join(dataDir, DATABASE_FILE), { readonly: true });
    t.after(() => db.close());
    assert.equal(db.prepare('SELECT count(*) FROM user_quotas').pluck().get(), 0);
  });
});
