import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import { DATABASE_FILE } from '../../../../server-stub/src/db/database.js';
import { bearer, buildTestApp, login, tokenFor } from '../../helper.js';
import { buildTenants, PASSWORD } from '../../tenants.js';

async function createUser(app: FastifyInstance, token: string, username: string, role: string) {
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/users',
    headers: bearer(token),
    payload: { username, password: PASSWORD, role },
  });
  assert.equal(res.statusCode, 201, res.body);
  return (res.json() as { id: string }).id;
}

const act = (app: FastifyInstance, token: string, id: string, action: 'unlock' | 'disable' | 'enable') =>
  app.inject({ method: 'POST', url: `/api/v1/users/${id}/${action}`, headers: bearer(token) });
const patch = (app: FastifyInstance, token: string, id: string, payload: object) =>
  app.inject({ method: 'PATCH', url: `/api/v1/users/${id}`, headers: bearer(token), payload });
const remove = (app: FastifyInstance, token: string, id: string) =>
  app.inject({ method: 'DELETE', url: `/api/v1/users/${id}`, headers: bearer(token) });
const me = (app: FastifyInstance, token: string) => app.inject({ url: '/api/v1/me', headers: bearer(token) });

describe('user administration', () => {
  it("lets a customer admin change another user's role, effective on that user's next request", async (t) => {
    const { app } = await buildTestApp(t);
    const tenants = await buildTenants(app);
    const id = await createUser(app, tenants.customerA.adminToken, 'user1', 'customer_user');
    const userToken = await tokenFor(app, 'user1', PASSWORD);
    assert.equal((await app.inject({ url: '/api/v1/users', headers: bearer(userToken) })).statusCode, 403);
    const res = await patch(app, tenants.customerA.adminToken, id, { role: 'print_manager' });
    assert.equal(res.statusCode, 200);
    assert.equal((res.json() as { role: string }).role, 'print_manager');
    // The same session now has the print manager's reach (users of its organization).
    assert.equal((await app.inject({ url: '/api/v1/users', headers: bearer(userToken) })).statusCode, 200);
    const wrongKind = await patch(app, tenants.customerA.adminToken, id, { role: 'provider_admin' });
    assert.equal(wrongKind.statusCode, 400);
    assert.match(
      (wrongKind.json() as { message: string }).message,
      /customer_admin, customer_user, print_manager/,
    );
  });

  it('puts another user in a group and takes them out; an empty change or a blank name is refused', async (t) => {
    const { app } = await buildTestApp(t);
    const tenants = await buildTenants(app);
    const id = await createUser(app, tenants.customerA.adminToken, 'user1', 'customer_user');
    const res = await patch(app, tenants.customerA.adminToken, id, { group: 'Accounting' });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal((res.json() as { group: string }).group, 'Accounting');
    assert.equal((res.json() as { role: string }).role, 'customer_user');
    for (const payload of [{}, { group: '' }, { group: ' padded ' }, { group: 'x'.repeat(101) }]) {
      assert.equal(
        (await patch(app, tenants.customerA.adminToken, id, payload)).statusCode,
        400,
        JSON.stringify(payload),
      );
    }
    const cleared = await patch(app, tenants.customerA.adminToken, id, { group: null });
    assert.equal((cleared.json() as { group: null }).group, null);
  });

  it('refuses every change of one’s own account: role, organization, lock state, deletion', async (t) => {
    const { app } = await buildTestApp(t);
    const tenants = await buildTenants(app);
    const { adminToken, adminId } = tenants.customerA;
    for (const res of [
      await patch(app, adminToken, adminId, { role: 'customer_user' }),
      await act(app, adminToken, adminId, 'disable'),
      await act(app, adminToken, adminId, 'unlock'),
      await remove(app, adminToken, adminId),
    ]) {
      assert.equal(res.statusCode, 403);
      assert.equal((res.json() as { error: string }).error, 'self_change');
    }
    // There is no field that moves a user to another organization: it is refused, not ignored.
    const move = await patch(app, adminToken, adminId, {
      role: 'customer_admin',
      organizationId: tenants.customerC.orgId,
    });
    assert.equal(move.statusCode, 400);
    const after = (await me(app, adminToken)).json() as { user: { role: string; organizationId: string } };
    assert.deepEqual(after.user.role, 'customer_admin');
    assert.equal(after.user.organizationId, tenants.customerA.orgId);
    // A customer user cannot raise itself either.
    const id = await createUser(app, adminToken, 'user1', 'customer_user');
    const userToken = await tokenFor(app, 'user1', PASSWORD);
    assert.equal((await patch(app, userToken, id, { role: 'customer_admin' })).statusCode, 403);
    assert.equal(((await me(app, userToken)).json() as { role: string }).role, 'customer_user');
  });

  it('shows a lockout to the admin and ends it early on unlock', async (t) => {
    const { app, clock } = await buildTestApp(t);
    const tenants = await buildTenants(app);
    const id = await createUser(app, tenants.customerA.adminToken, 'user1', 'customer_user');
    for (let i = 0; i < 3; i++) assert.equal((await login(app, 'user1', 'Wrong-Passw0rd!')).statusCode, 401);
    assert.equal((await login(app, 'user1', PASSWORD)).statusCode, 401);
    const seen = await app.inject({
      url: `/api/v1/users/${id}`,
      headers: bearer(tenants.customerA.adminToken),
    });
    assert.equal(
      (seen.json() as { lockedUntil: string }).lockedUntil,
      new Date(clock.now() + 30 * 60_000).toISOString(),
    );
    const res = await act(app, tenants.customerA.adminToken, id, 'unlock');
    assert.equal(res.statusCode, 200);
    assert.equal((res.json() as { lockedUntil: null }).lockedUntil, null);
    assert.equal((await login(app, 'user1', PASSWORD)).statusCode, 200);
  });

  it('disables an account at once (sessions end, login answers the one 401) and enables it again', async (t) => {
    const { app } = await buildTestApp(t);
    const tenants = await buildTenants(app);
    const id = await createUser(app, tenants.customerA.adminToken, 'user1', 'customer_user');
    const userToken = await tokenFor(app, 'user1', PASSWORD);
    const unknownLogin = await login(app, 'nobody', PASSWORD);
    const res = await act(app, tenants.customerA.adminToken, id, 'disable');
    assert.equal(res.statusCode, 200);
    assert.equal((res.json() as { disabled: boolean }).disabled, true);
    assert.equal((await me(app, userToken)).statusCode, 401);
    const refused = await login(app, 'user1', PASSWORD);
    assert.equal(refused.statusCode, 401);
    assert.equal(refused.body, unknownLogin.body);
    assert.equal((await act(app, tenants.customerA.adminToken, id, 'enable')).statusCode, 200);
    const again = await tokenFor(app, 'user1', PASSWORD);
    assert.equal((await me(app, again)).statusCode, 200);
    // The old token stays dead: enabling does not revive sessions.
    assert.equal((await me(app, userToken)).statusCode, 401);
  });

  it('deletes an account with its sessions; the token dies on the next request', async (t) => {
    const { app, dataDir } = await buildTestApp(t);
    const tenants = await buildTenants(app);
    const id = await createUser(app, tenants.customerA.adminToken, 'user1', 'customer_user');
    const userToken = await tokenFor(app, 'user1', PASSWORD);
    const res = await remove(app, tenants.customerA.adminToken, id);
    assert.equal(res.statusCode, 204);
    assert.equal((await me(app, userToken)).statusCode, 401);
    assert.equal((await login(app, 'user1', PASSWORD)).statusCode, 401);
    const get = await app.inject({
      url: `/api/v1/users/${id}`,
      headers: bearer(tenants.customerA.adminToken),
    });
    assert.equal(get.statusCode, 404);
    const db = new BetterSqlite3(join(dataDir, DATABASE_FILE), { readonly: true });
    t.after(() => db.close());
    assert.equal(db.prepare('SELECT count(*) FROM sessions WHERE user_id = ?').pluck().get(id), 0);
    assert.equal(db.prepare('SELECT count(*) FROM users WHERE id = ?').pluck().get(id), 0);
    // The name is free again.
    await createUser(app, tenants.customerA.adminToken, 'user1', 'customer_user');
  });

  it('keeps every other tenant out with the one 404, and a visible-but-not-yours account with 403', async (t) => {
    const { app } = await buildTestApp(t);
    const tenants = await buildTenants(app);
    const userA = await createUser(app, tenants.customerA.adminToken, 'user-a', 'customer_user');
    await createUser(app, tenants.customerA.adminToken, 'pm-a', 'print_manager');
    await createUser(app, tenants.customerA.adminToken, 'colleague-a', 'customer_user');
    const unknown = '00000000-0000-0000-0000-000000000000';
    const baseline = await act(app, tenants.customerA.adminToken, unknown, 'disable');
    assert.equal(baseline.statusCode, 404);
    const outsiders: [string, string][] = [
      [tenants.customerC.adminToken, userA], // a sibling tenant's admin
      [tenants.root.token, userA], // a provider: users of customers are inaccessible (Table 2-1)
      [tenants.salesB.token, tenants.customerC.adminId], // ... even of its own child
      [tenants.customerC.adminToken, (await me(app, tenants.salesB.token)).json().user.id as string], // a child admin and its parent's user
      [await tokenFor(app, 'colleague-a', PASSWORD), userA], // a customer user and a colleague
    ];
    for (const [token, id] of outsiders) {
      for (const res of [
        await act(app, token, id, 'disable'),
        await act(app, token, id, 'unlock'),
        await patch(app, token, id, { role: 'customer_admin' }),
        await remove(app, token, id),
      ]) {
        assert.equal(res.statusCode, 404);
        assert.equal(res.body, baseline.body);
      }
    }
    // The print manager sees the users of its organization but may change nothing but quotas.
    const pmToken = await tokenFor(app, 'pm-a', PASSWORD);
    assert.equal((await act(app, pmToken, userA, 'disable')).statusCode, 403);
    assert.equal((await remove(app, pmToken, userA)).statusCode, 403);
    assert.equal(
      ((await me(app, await tokenFor(app, 'user-a', PASSWORD))).json() as { role: string }).role,
      'customer_user',
    );
  });

  it('lets a provider admin create and manage its own colleagues, and provider support manage nobody', async (t) => {
    const { app } = await buildTestApp(t);
    const tenants = await buildTenants(app);
    const supportId = await createUser(app, tenants.salesB.token, 'support-b', 'provider_support');
    const supportToken = await tokenFor(app, 'support-b', PASSWORD);
    assert.equal((await act(app, supportToken, supportId, 'disable')).statusCode, 403); // itself
    const salesAdminId = ((await me(app, tenants.salesB.token)).json() as { user: { id: string } }).user.id;
    assert.equal((await act(app, supportToken, salesAdminId, 'disable')).statusCode, 404);
    const second = await createUser(app, tenants.salesB.token, 'sales-b-2', 'provider_admin');
    assert.equal(
      (await patch(app, tenants.salesB.token, second, { role: 'provider_support' })).statusCode,
      200,
    );
    assert.equal((await act(app, tenants.salesB.token, supportId, 'disable')).statusCode, 200);
    assert.equal((await me(app, supportToken)).statusCode, 401);
  });
});
