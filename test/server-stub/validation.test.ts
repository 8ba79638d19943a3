import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bearer, buildTestApp } from './helper.js';
import { buildTenants } from './tenants.js';

describe('request validation', () => {
  it('refuses an unknown body property instead of dropping it', async (t) => {
    const { app } = await buildTestApp(t);
    const tenants = await buildTenants(app);
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: bearer(tenants.customerA.adminToken),
      payload: { username: 'u1', password: 'Tenant-Passw0rd!', role: 'customer_user', organizationId: 'x' },
    });
    assert.equal(res.statusCode, 400);
    assert.equal((res.json() as { error: string }).error, 'bad_request');
    assert.match((res.json() as { message: string }).message, /additional properties/i);
    const list = await app.inject({ url: '/api/v1/users', headers: bearer(tenants.customerA.adminToken) });
    assert.ok(!(list.json() as { users: { username: string }[] }).users.some((u) => u.username === 'u1'));
  });

  it('does not coerce body types: "5" is not a number', async (t) => {
    const { app } = await buildTestApp(t);
    const tenants = await buildTenants(app);
    const res = await app.inject({
      method: 'PATCH',
      url: `/api/v1/organizations/${tenants.customerA.orgId}`,
      headers: bearer(tenants.root.token),
      payload: { maxDevices: '5' },
    });
    assert.equal(res.statusCode, 400);
    const ok = await app.inject({
      method: 'PATCH',
      url: `/api/v1/organizations/${tenants.customerA.orgId}`,
      headers: bearer(tenants.root.token),
      payload: { maxDevices: 5 },
    });
    assert.equal(ok.statusCode, 200);
  });
});
