import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bearer, buildTestApp, tokenFor } from '../../helper.js';
import { buildTenants, PASSWORD } from '../../tenants.js';

describe('/api/v1/organizations', () => {
  it('lets a provider admin create child organizations and their admins, who can log in', async (t) => {
    const { app } = await buildTestApp(t);
    const tenants = await buildTenants(app);
    const me = await app.inject({ url: '/api/v1/me', headers: bearer(tenants.customerC.adminToken) });
    const body = me.json() as { role: string; organization: { id: string; parentId: string; kind: string } };
    assert.equal(body.role, 'customer_admin');
    assert.deepEqual(
      [body.organization.id, body.organization.parentId, body.organization.kind],
      [tenants.customerC.orgId, tenants.salesB.orgId, 'customer'],
    );
    const sales = (await app.inject({ url: '/api/v1/me', headers: bearer(tenants.salesB.token) })).json() as {
      role: string;
    };
    assert.equal(sales.role, 'provider_admin');
  });

  it('lists only the direct children of the caller, by name', async (t) => {
    const { app } = await buildTestApp(t);
    const tenants = await buildTenants(app);
    const res = await app.inject({ url: '/api/v1/organizations', headers: bearer(tenants.root.token) });
    const names = (res.json() as { organizations: { name: string }[] }).organizations.map((o) => o.name);
    assert.deepEqual(names, ['Customer A', 'Sales B']);
  });

  it('answers the same 404 for an unknown id, a grandchild, the parent and a sibling', async (t) => {
    const { app } = await buildTestApp(t);
    const tenants = await buildTenants(app);
    const get = (token: string, id: string) =>
      app.inject({ url: `/api/v1/organizations/${id}`, headers: bearer(token) });
    const unknown = await get(tenants.root.token, '00000000-0000-0000-0000-000000000000');
    assert.equal(unknown.statusCode, 404);
    for (const res of [
      await get(tenants.root.token, tenants.customerC.orgId), // grandchild: only aggregated upward
      await get(tenants.salesB.token, tenants.root.orgId), // parent
      await get(tenants.salesB.token, tenants.customerA.orgId), // sibling
      await get(tenants.customerA.adminToken, tenants.customerC.orgId), // other customer
      await get(tenants.customerC.adminToken, tenants.salesB.orgId), // a customer's parent
    ]) {
      assert.equal(res.statusCode, 404);
      assert.equal(res.body, unknown.body);
    }
    assert.equal((await get(tenants.root.token, tenants.salesB.orgId)).statusCode, 200);
    assert.equal((await get(tenants.customerA.adminToken, tenants.customerA.orgId)).statusCode, 200);
  });

  it('refuses organization creation by a customer admin and below a customer', async (t) => {
    const { app } = await buildTestApp(t);
    const tenants = await buildTenants(app);
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/organizations',
      headers: bearer(tenants.customerA.adminToken),
      payload: { kind: 'customer', name: 'Nested' },
    });
    assert.equal(res.statusCode, 403);
  });

  it("does not let a provider admin create admins for its grandchildren or its parent's organizations", async (t) => {
    const { app } = await buildTestApp(t);
    const tenants = await buildTenants(app);
    const create = (token: string, orgId: string, username: string) =>
      app.inject({
        method: 'POST',
        url: `/api/v1/organizations/${orgId}/admins`,
        headers: bearer(token),
        payload: { username, password: PASSWORD },
      });
    assert.equal((await create(tenants.root.token, tenants.customerC.orgId, 'sneaky1')).statusCode, 404);
    assert.equal((await create(tenants.salesB.token, tenants.root.orgId, 'sneaky2')).statusCode, 404);
    assert.equal((await create(tenants.salesB.token, tenants.customerA.orgId, 'sneaky3')).statusCode, 404);
    assert.equal(
      (await create(tenants.customerA.adminToken, tenants.customerA.orgId, 'sneaky4')).statusCode,
      404,
    );
    await assert.rejects(tokenFor(app, 'sneaky1', PASSWORD));
  });

  it('refuses an admin whose password breaks the policy, naming the rule', async (t) => {
    const { app } = await buildTestApp(t);
    const tenants = await buildTenants(app);
    const res = await app.inject({
      method: 'POST',
      url: `/api/v1/organizations/${tenants.customerA.orgId}/admins`,
      headers: bearer(tenants.root.token),
      payload: { username: 'weak', password: 'alllowercase1!' },
    });
    assert.equal(res.statusCode, 400);
    assert.deepEqual(res.json(), {
      error: 'password_policy',
      message: 'The password must contain an upper-case letter (A-Z).',
    });
  });
});
