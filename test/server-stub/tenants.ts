// A small organization tree for access tests: root -> { Sales B (provider) -> Customer C, Customer A }.
import type { FastifyInstance } from 'fastify';
import { ADMIN, bearer, tokenFor } from './helper.js';

/** The password every user of the tree gets. */
export const PASSWORD = 'Tenant-Passw0rd!';

/** Ids and tokens of the tree. */
export interface Tenants {
  root: { orgId: string; token: string };
  salesB: { orgId: string; token: string };
  customerA: { orgId: string; adminToken: string; adminId: string };
  customerC: { orgId: string; adminToken: string; adminId: string };
}

async function post(
  app: FastifyInstance,
  url: string,
  token: string,
  payload: object,
): Promise<{ id: string }> {
  const res = await app.inject({ method: 'POST', url, headers: bearer(token), payload });
  if (res.statusCode !== 201) throw new Error(`POST ${url}: ${res.statusCode} ${res.body}`);
  return res.json() as { id: string };
}

/** Builds the tree through the API, as the admins would. */
export async function buildTenants(app: FastifyInstance): Promise<Tenants> {
  const rootToken = await tokenFor(app, ADMIN.username, ADMIN.password);
  const me = (await app.inject({ url: '/api/v1/me', headers: bearer(rootToken) })).json() as {
    organization: { id: string };
  };
  const salesB = await post(app, '/api/v1/organizations', rootToken, { kind: 'provider', name: 'Sales B' });
  await post(app, `/api/v1/organizations/${salesB.id}/admins`, rootToken, {
    username: 'sales-b',
    password: PASSWORD,
  });
  const salesToken = await tokenFor(app, 'sales-b', PASSWORD);
  const customerA = await post(app, '/api/v1/organizations', rootToken, {
    kind: 'customer',
    name: 'Customer A',
  });
  const adminA = await post(app, `/api/v1/organizations/${customerA.id}/admins`, rootToken, {
    username: 'admin-a',
    password: PASSWORD,
  });
  const customerC = await post(app, '/api/v1/organizations', salesToken, {
    kind: 'customer',
    name: 'Customer C',
  });
  const adminC = await post(app, `/api/v1/organizations/${customerC.id}/admins`, salesToken, {
    username: 'admin-c',
    password: PASSWORD,
  });
  return {
    root: { orgId: me.organization.id, token: rootToken },
    salesB: { orgId: salesB.id, token: salesToken },
    customerA: {
      orgId: customerA.id,
      adminToken: await tokenFor(app, 'admin-a', PASSWORD),
      adminId: adminA.id,
    },
    customerC: {
      orgId: customerC.id,
      adminToken: await tokenFor(app, 'admin-c', PASSWORD),
      adminId: adminC.id,
    },
  };
}
