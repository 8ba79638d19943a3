import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { ADMIN, bearer, buildTestApp, tokenFor } from '../../helper.js';
import { PASSWORD } from '../../tenants.js';

interface Totals {
  customers: number;
  maxDevices: number;
  registeredDevices: number;
  users: number;
}
interface Report {
  organizationId: string;
  children: (Totals & { id: string; name: string; kind: string })[];
  deeperDescendants: Totals & { organizations: number };
}

async function post(app: FastifyInstance, url: string, token: string, payload: object) {
  const res = await app.inject({ method: 'POST', url, headers: bearer(token), payload });
  assert.equal(res.statusCode, 201, `${url}: ${res.body}`);
  return res.json() as { id: string; token?: string; device?: { id: string } };
}

/** An organization with its first admin, logged in. */
async function org(
  app: FastifyInstance,
  parentToken: string,
  kind: 'provider' | 'customer',
  name: string,
  maxDevices?: number,
) {
  const created = await post(app, '/api/v1/organizations', parentToken, {
    kind,
    name,
    ...(maxDevices === undefined ? {} : { maxDevices }),
  });
  const username = name.toLowerCase().replace(/ /g, '-');
  await post(app, `/api/v1/organizations/${created.id}/admins`, parentToken, {
    username,
    password: PASSWORD,
  });
  return { id: created.id, name, token: await tokenFor(app, username, PASSWORD) };
}

/** `n` users of a customer, each with a registered desktop; the first `revoke` desktops are then revoked. */
async function populate(
  app: FastifyInstance,
  customer: { name: string; token: string },
  n: number,
  revoke = 0,
) {
  for (let i = 0; i < n; i++) {
    const username = `${customer.name.toLowerCase().replace(/ /g, '-')}-u${i}`;
    await post(app, '/api/v1/users', customer.token, { username, password: PASSWORD, role: 'customer_user' });
    const desk = await post(app, '/api/v1/devices/desktop', await tokenFor(app, username, PASSWORD), {
      hostName: `pc-${username}`,
    });
    if (i < revoke) {
      const res = await app.inject({
        method: 'POST',
        url: `/api/v1/devices/${desk.device?.id}/revoke`,
        headers: bearer(customer.token),
      });
      assert.equal(res.statusCode, 200, res.body);
    }
  }
}

/** The figure logs in more often than the per-IP login throttle allows by default. */
const MANY_LOGINS = { loginRateLimit: { max: 1000, timeWindowMs: 60_000 } };

const report = async (app: FastifyInstance, token: string) => {
  const res = await app.inject({ url: '/api/v1/reports/contracts', headers: bearer(token) });
  return { status: res.statusCode, body: res.body, json: () => res.json() as Report };
};

/**
 * Fig. 2-3's tree: RHQ -> { Customer A, Sales B -> { Customer B, Dealer A -> { Customer C, Customer D } } }.
 * Users per customer (admin included) and live desktops: A 3/2, B 2/1, C 4/2 (one more revoked), D 2/1.
 */
async function buildFigure(app: FastifyInstance) {
  const rhq = await tokenFor(app, ADMIN.username, ADMIN.password);
  const customerA = await org(app, rhq, 'customer', 'Customer A', 5);
  const salesB = await org(app, rhq, 'provider', 'Sales B');
  const customerB = await org(app, salesB.token, 'customer', 'Customer B', 7);
  const dealerA = await org(app, salesB.token, 'provider', 'Dealer A');
  const customerC = await org(app, dealerA.token, 'customer', 'Customer C', 11);
  const customerD = await org(app, dealerA.token, 'customer', 'Customer D', 13);
  await populate(app, customerA, 2);
  await populate(app, customerB, 1);
  await populate(app, customerC, 3, 1);
  await populate(app, customerD, 1);
  return { rhq, customerA, salesB, customerB, dealerA, customerC, customerD };
}

describe('contract reports', () => {
  it('shows direct children by name and everything deeper only as one anonymous aggregate', async (t) => {
    const { app } = await buildTestApp(t, MANY_LOGINS);
    const tree = await buildFigure(app);

    const top = await report(app, tree.rhq);
    assert.equal(top.status, 200, top.body);
    const rhq = top.json();
    assert.deepEqual(
      rhq.children.map((c) => [c.name, c.kind, c.customers, c.maxDevices, c.registeredDevices, c.users]),
      [
        ['Customer A', 'customer', 1, 5, 2, 3],
        // Sales B's row carries its whole subtree: Customers B, C and D.
        ['Sales B', 'provider', 3, 7 + 11 + 13, 1 + 2 + 1, 2 + 4 + 2],
      ],
    );
    assert.deepEqual(rhq.deeperDescendants, {
      organizations: 4,
      customers: 3,
      maxDevices: 31,
      registeredDevices: 4,
      users: 8,
    });
    // No name and no id of a grandchild or deeper appears anywhere in the answer.
    for (const hidden of [tree.customerB, tree.dealerA, tree.customerC, tree.customerD]) {
      assert.ok(!top.body.includes(hidden.name), `${hidden.name} leaked to RHQ`);
      assert.ok(!top.body.includes(hidden.id), `the id of ${hidden.name} leaked to RHQ`);
    }

    // Sales B names its own children (it created them) and sees Customers C and D only together.
    const middle = await report(app, tree.salesB.token);
    const sales = middle.json();
    assert.deepEqual(
      sales.children.map((c) => [c.name, c.customers, c.maxDevices, c.registeredDevices, c.users]),
      [
        ['Customer B', 1, 7, 1, 2],
        ['Dealer A', 2, 24, 3, 6],
      ],
    );
    assert.deepEqual(sales.deeperDescendants, {
      organizations: 2,
      customers: 2,
      maxDevices: 24,
      registeredDevices: 3,
      users: 6,
    });
    for (const hidden of [tree.customerC, tree.customerD]) {
      assert.ok(!middle.body.includes(hidden.name) && !middle.body.includes(hidden.id), hidden.name);
    }

    // Dealer A tells its own customers apart; nothing lies deeper.
    const dealer = (await report(app, tree.dealerA.token)).json();
    assert.deepEqual(
      dealer.children.map((c) => [c.name, c.registeredDevices, c.users]),
      [
        ['Customer C', 2, 4],
        ['Customer D', 1, 2],
      ],
    );
    assert.equal(dealer.deeperDescendants.organizations, 0);
  });

  it('is for provider admins and provider support; customer roles get 403', async (t) => {
    const { app } = await buildTestApp(t, MANY_LOGINS);
    const tree = await buildFigure(app);
    await post(app, '/api/v1/users', tree.rhq, {
      username: 'support',
      password: PASSWORD,
      role: 'provider_support',
    });
    const support = await report(app, await tokenFor(app, 'support', PASSWORD));
    assert.equal(support.status, 200);
    assert.equal(support.json().children.length, 2);

    for (const role of ['customer_user', 'print_manager'] as const) {
      const username = `a-${role}`;
      await post(app, '/api/v1/users', tree.customerA.token, { username, password: PASSWORD, role });
      const res = await report(app, await tokenFor(app, username, PASSWORD));
      assert.equal(res.status, 403, role);
    }
    const admin = await report(app, tree.customerC.token);
    assert.equal(admin.status, 403);
    assert.ok(!admin.body.includes('Customer D'));
    assert.equal((await app.inject({ url: '/api/v1/reports/contracts' })).statusCode, 401);
  });
});
