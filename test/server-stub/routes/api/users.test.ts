import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { bearer, buildTestApp, login, tokenFor } from '../../helper.js';
import { buildTenants, PASSWORD } from '../../tenants.js';

function createUser(app: FastifyInstance, token: string, payload: object) {
  return app.inject({ method: 'POST', url: '/api/v1/users', headers: bearer(token), payload });
}

describe('/api/v1/users', () => {
  it('lets a customer admin create a user in its organization who can log in', async (t) => {
    const { app } = await buildTestApp(t);
    const tenants = await buildTenants(app);
    const res = await createUser(app, tenants.customerA.adminToken, {
      username: 'user1',
      password: PASSWORD,
      role: 'customer_user',
    });
    assert.equal(res.statusCode, 201);
    const user = res.json() as { organizationId: string; role: string };
    assert.equal(user.organizationId, tenants.customerA.orgId);
    assert.equal(user.role, 'customer_user');
    assert.equal((await login(app, 'user1', PASSWORD)).statusCode, 200);
  });

  it('refuses a taken username with 409, whatever its letter case', async (t) => {
    const { app } = await buildTestApp(t);
    const tenants = await buildTenants(app);
    const res = await createUser(app, tenants.customerA.adminToken, {
      username: 'ADMIN-C',
      password: PASSWORD,
      role: 'customer_user',
    });
    assert.equal(res.statusCode, 409);
    assert.equal((res.json() as { error: string }).error, 'username_taken');
  });

  it('refuses a 65-character password instead of truncating it', async (t) => {
    const { app } = await buildTestApp(t);
    const tenants = await buildTenants(app);
    const long = 'Aa1!' + 'x'.repeat(61);
    const res = await createUser(app, tenants.customerA.adminToken, {
      username: 'u65',
      password: long,
      role: 'customer_user',
    });
    assert.equal(res.statusCode, 400);
    assert.match((res.json() as { message: string }).message, /at most 64/);
    assert.equal((await login(app, 'u65', long.slice(0, 64))).statusCode, 401);
  });

  it('does not let a customer admin create provider roles', async (t) => {
    const { app } = await buildTestApp(t);
    const tenants = await buildTenants(app);
    const res = await createUser(app, tenants.customerA.adminToken, {
      username: 'boss',
      password: PASSWORD,
      role: 'provider_admin',
    });
    assert.equal(res.statusCode, 400);
  });

  it('does not let a customer user create or list users, nor a provider admin reach customer users', async (t) => {
    const { app } = await buildTestApp(t);
    const tenants = await buildTenants(app);
    await createUser(app, tenants.customerA.adminToken, {
      username: 'user1',
      password: PASSWORD,
      role: 'customer_user',
    });
    const userToken = await tokenFor(app, 'user1', PASSWORD);
    const created = await createUser(app, userToken, {
      username: 'x1',
      password: PASSWORD,
      role: 'customer_user',
    });
    assert.equal(created.statusCode, 403);
    assert.equal((await app.inject({ url: '/api/v1/users', headers: bearer(userToken) })).statusCode, 403);
    for (const token of [tenants.root.token, tenants.salesB.token]) {
      // A provider organization has no customer roles ...
      const res = await createUser(app, token, { username: 'x1', password: PASSWORD, role: 'customer_user' });
      assert.equal(res.statusCode, 400);
      assert.match((res.json() as { message: string }).message, /provider_admin, provider_support/);
      // ... and its admins list their colleagues only, never a customer's users.
      const list = await app.inject({ url: '/api/v1/users', headers: bearer(token) });
      assert.equal(list.statusCode, 200);
      const names = (list.json() as { users: { username: string }[] }).users.map((u) => u.username);
      assert.ok(
        !names.includes('user1') && !names.includes('admin-a') && !names.includes('admin-c'),
        names.join(),
      );
    }
  });

  it("lists only the caller's organization's users", async (t) => {
    const { app } = await buildTestApp(t);
    const tenants = await buildTenants(app);
    await createUser(app, tenants.customerA.adminToken, {
      username: 'user1',
      password: PASSWORD,
      role: 'customer_user',
    });
    const res = await app.inject({ url: '/api/v1/users', headers: bearer(tenants.customerA.adminToken) });
    const names = (res.json() as { users: { username: string }[] }).users.map((u) => u.username);
    assert.deepEqual(names, ['admin-a', 'user1']);
  });

  it("answers the same 404 for an unknown user id and another tenant's user", async (t) => {
    const { app } = await buildTestApp(t);
    const tenants = await buildTenants(app);
    const get = (token: string, id: string) =>
      app.inject({ url: `/api/v1/users/${id}`, headers: bearer(token) });
    const unknown = await get(tenants.customerA.adminToken, '00000000-0000-0000-0000-000000000000');
    const foreign = await get(tenants.customerA.adminToken, tenants.customerC.adminId);
    const fromProvider = await get(tenants.salesB.token, tenants.customerC.adminId);
    for (const res of [unknown, foreign, fromProvider]) assert.equal(res.statusCode, 404);
    assert.equal(foreign.body, unknown.body);
    assert.equal(fromProvider.body, unknown.body);
    assert.equal((await get(tenants.customerC.adminToken, tenants.customerC.adminId)).statusCode, 200);
  });

  it('lets a customer user read itself but not a colleague', async (t) => {
    const { app } = await buildTestApp(t);
    const tenants = await buildTenants(app);
    const created = await createUser(app, tenants.customerA.adminToken, {
      username: 'user1',
      password: PASSWORD,
      role: 'customer_user',
    });
    const self = (created.json() as { id: string }).id;
    const userToken = await tokenFor(app, 'user1', PASSWORD);
    assert.equal(
      (await app.inject({ url: `/api/v1/users/${self}`, headers: bearer(userToken) })).statusCode,
      200,
    );
    const colleague = await app.inject({
      url: `/api/v1/users/${tenants.customerA.adminId}`,
      headers: bearer(userToken),
    });
    assert.equal(colleague.statusCode, 404);
  });

  it('answers 401 before looking at the body of an unauthenticated request', async (t) => {
    const { app } = await buildTestApp(t);
    const res = await app.inject({ method: 'POST', url: '/api/v1/users', payload: { nonsense: true } });
    assert.equal(res.statusCode, 401);
  });
});
