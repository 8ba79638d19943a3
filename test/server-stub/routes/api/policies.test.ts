import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import { runMigrations } from '../../../../server-stub/src/db/migrations.js';
import { bearer, buildTestApp, tokenFor } from '../../helper.js';
import { buildTenants, PASSWORD } from '../../tenants.js';
import type { Tenants } from '../../tenants.js';

interface Setting {
  value: unknown;
  from: string | null;
  locked: boolean;
}
interface PolicyView {
  organizationId: string;
  overrides: Record<string, unknown>;
  locks: Record<string, boolean>;
  effective: Record<string, Setting>;
}

const DEFAULTS = {
  idleLogoutMinutes: 30,
  passwordPolicy: 'whitepaper',
  spoolingMode: 'local',
  monthlyPageQuota: null,
  printPolicy: { forceMono: false, forceDuplex: false },
  retentionDays: 7,
};

const patch = (app: FastifyInstance, token: string, orgId: string, payload: unknown) =>
  app.inject({
    method: 'PATCH',
    url: `/api/v1/organizations/${orgId}/policy`,
    headers: bearer(token),
    payload: payload as object,
  });

const read = (app: FastifyInstance, token: string, orgId: string) =>
  app.inject({ url: `/api/v1/organizations/${orgId}/policy`, headers: bearer(token) });

async function view(app: FastifyInstance, token: string, orgId: string): Promise<PolicyView> {
  const res = await read(app, token, orgId);
  assert.equal(res.statusCode, 200, res.body);
  return res.json() as PolicyView;
}

async function effective(app: FastifyInstance, token: string) {
  const res = await app.inject({ url: '/api/v1/policy/effective', headers: bearer(token) });
  assert.equal(res.statusCode, 200, res.body);
  return res.json() as { organizationId: string; policy: typeof DEFAULTS };
}

async function ok(res: Awaited<ReturnType<typeof patch>>): Promise<PolicyView> {
  assert.equal(res.statusCode, 200, res.body);
  return res.json() as PolicyView;
}

/** A user of customer A with this role, logged in. */
async function userOfA(app: FastifyInstance, tenants: Tenants, username: string, role: string) {
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/users',
    headers: bearer(tenants.customerA.adminToken),
    payload: { username, password: PASSWORD, role },
  });
  assert.equal(res.statusCode, 201, res.body);
  return tokenFor(app, username, PASSWORD);
}

async function providerSupport(app: FastifyInstance, tenants: Tenants) {
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/users',
    headers: bearer(tenants.root.token),
    payload: { username: 'support', password: PASSWORD, role: 'provider_support' },
  });
  assert.equal(res.statusCode, 201, res.body);
  return tokenFor(app, 'support', PASSWORD);
}

/** A desktop of customer C registered by one of its users: its device token. */
async function desktopOfC(app: FastifyInstance, tenants: Tenants) {
  const user = await app.inject({
    method: 'POST',
    url: '/api/v1/users',
    headers: bearer(tenants.customerC.adminToken),
    payload: { username: 'user-c', password: PASSWORD, role: 'customer_user' },
  });
  assert.equal(user.statusCode, 201, user.body);
  const userToken = await tokenFor(app, 'user-c', PASSWORD);
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/devices/desktop',
    headers: bearer(userToken),
    payload: { hostName: 'pc-c' },
  });
  assert.equal(res.statusCode, 201, res.body);
  const body = res.json() as { token: string; device: { id: string } };
  return { userToken, deviceToken: body.token, deviceId: body.device.id };
}

describe('organization policies', () => {
  it('gives every organization the product defaults until someone sets a value', async (t) => {
    const { app } = await buildTestApp(t);
    const tenants = await buildTenants(app);
    assert.deepEqual((await effective(app, tenants.customerC.adminToken)).policy, DEFAULTS);
    const root = await view(app, tenants.root.token, tenants.root.orgId);
    for (const [key, value] of Object.entries(DEFAULTS)) {
      assert.deepEqual(root.effective[key], { value, from: null, locked: false }, key);
      assert.equal(root.overrides[key], null, key);
    }
  });

  it('inherits root -> provider -> customer; an override in the middle wins below it; null clears it', async (t) => {
    const { app } = await buildTestApp(t);
    const { root, salesB, customerA, customerC } = await buildTenants(app);
    await ok(await patch(app, root.token, root.orgId, { spoolingMode: 'cloud', retentionDays: 30 }));
    await ok(
      await patch(app, salesB.token, salesB.orgId, {
        spoolingMode: 'local',
        printPolicy: { forceMono: true, forceDuplex: false },
      }),
    );

    const c = await view(app, customerC.adminToken, customerC.orgId);
    assert.deepEqual(c.effective.spoolingMode, { value: 'local', from: salesB.orgId, locked: false });
    assert.deepEqual(c.effective.retentionDays, { value: 30, from: root.orgId, locked: false });
    assert.deepEqual(c.effective.printPolicy?.value, { forceMono: true, forceDuplex: false });
    assert.equal(c.overrides.spoolingMode, null, 'nothing is stored on the customer itself');
    const a = (await effective(app, customerA.adminToken)).policy;
    assert.equal(a.spoolingMode, 'cloud', 'a sibling branch keeps the root value');
    assert.deepEqual(a.printPolicy, DEFAULTS.printPolicy);

    // A customer admin overrides for its own organization only.
    await ok(await patch(app, customerC.adminToken, customerC.orgId, { retentionDays: 3 }));
    assert.equal((await effective(app, customerC.adminToken)).policy.retentionDays, 3);
    assert.equal((await view(app, salesB.token, salesB.orgId)).effective.retentionDays?.value, 30);

    // Clearing the middle override lets the root's value through again.
    const cleared = await ok(await patch(app, salesB.token, salesB.orgId, { spoolingMode: null }));
    assert.equal(cleared.overrides.spoolingMode, null);
    assert.deepEqual(cleared.overrides.printPolicy, { forceMono: true, forceDuplex: false });
    const after = await view(app, customerC.adminToken, customerC.orgId);
    assert.deepEqual(after.effective.spoolingMode, { value: 'cloud', from: root.orgId, locked: false });
  });

  it('lets provider admins set their own organization and direct children, customer admins their own; others get 403 or 404', async (t) => {
    const { app } = await buildTestApp(t);
    const tenants = await buildTenants(app);
    const { root, salesB, customerA, customerC } = tenants;
    const body = { monthlyPageQuota: 100 };
    // Provider admin: own and direct children only.
    assert.equal((await patch(app, root.token, root.orgId, body)).statusCode, 200);
    assert.equal((await patch(app, root.token, salesB.orgId, body)).statusCode, 200);
    assert.equal((await patch(app, root.token, customerA.orgId, body)).statusCode, 200);
    const grandchild = await patch(app, root.token, customerC.orgId, body);
    assert.equal(grandchild.statusCode, 404);
    assert.equal((await patch(app, salesB.token, salesB.orgId, body)).statusCode, 200);
    assert.equal((await patch(app, salesB.token, customerC.orgId, body)).statusCode, 200);
    assert.equal((await patch(app, salesB.token, root.orgId, body)).statusCode, 404, 'not the parent');
    assert.equal((await patch(app, salesB.token, customerA.orgId, body)).statusCode, 404, 'not a sibling');
    // Customer admin: its own organization only.
    assert.equal((await patch(app, customerA.adminToken, customerA.orgId, body)).statusCode, 200);
    assert.equal((await patch(app, customerA.adminToken, root.orgId, body)).statusCode, 404);
    assert.equal((await patch(app, customerA.adminToken, customerC.orgId, body)).statusCode, 404);
    // Out of reach and unknown ids get the very same answer.
    const unknown = await patch(app, root.token, 'no-such-organization', body);
    assert.equal(unknown.statusCode, 404);
    assert.deepEqual(unknown.json(), grandchild.json());
    assert.equal((await read(app, customerA.adminToken, customerC.orgId)).statusCode, 404);

    // Customer users and print managers read the effective policy but neither see nor change the overrides.
    for (const [name, role] of [
      ['user-a', 'customer_user'],
      ['pm-a', 'print_manager'],
    ] as const) {
      const token = await userOfA(app, tenants, name, role);
      assert.equal((await effective(app, token)).policy.monthlyPageQuota, 100, role);
      assert.equal((await read(app, token, customerA.orgId)).statusCode, 403, role);
      assert.equal((await patch(app, token, customerA.orgId, body)).statusCode, 403, role);
    }
    // Provider support reads its own organization's and its children's policies, and changes nothing.
    const support = await providerSupport(app, tenants);
    assert.equal((await read(app, support, root.orgId)).statusCode, 200);
    assert.equal((await read(app, support, customerA.orgId)).statusCode, 200);
    assert.equal((await read(app, support, customerC.orgId)).statusCode, 404);
    assert.equal((await patch(app, support, customerA.orgId, body)).statusCode, 403);
    assert.equal((await effective(app, support)).organizationId, root.orgId);
    // Nothing was stored by the refused requests.
    assert.equal((await view(app, salesB.token, customerC.orgId)).overrides.monthlyPageQuota, 100);
    assert.equal((await view(app, root.token, root.orgId)).overrides.idleLogoutMinutes, null);
  });

  it('lets only the root provider admin set the idle logout, on the root, from 1 to 1440 minutes', async (t) => {
    const { app } = await buildTestApp(t);
    const { root, salesB, customerA, customerC } = await buildTenants(app);
    const idle = (token: string, orgId: string, value: unknown) =>
      patch(app, token, orgId, { idleLogoutMinutes: value });

    for (const [token, orgId] of [
      [salesB.token, salesB.orgId],
      [salesB.token, customerC.orgId],
      [customerA.adminToken, customerA.orgId],
      [root.token, customerA.orgId],
    ] as const) {
      const res = await idle(token, orgId, 10);
      assert.equal(res.statusCode, 403, res.body);
      assert.match((res.json() as { message: string }).message, /root provider/);
    }
    for (const bad of [0, 1441, -5]) {
      const res = await idle(root.token, root.orgId, bad);
      assert.equal(res.statusCode, 400, res.body);
      assert.match((res.json() as { message: string }).message, /idleLogoutMinutes must be .*1 to 1440/);
    }
    assert.equal((await idle(root.token, root.orgId, 1.5)).statusCode, 400, 'not a whole number');
    assert.equal((await idle(root.token, root.orgId, '15')).statusCode, 400, 'no coercion');
    assert.equal((await view(app, root.token, root.orgId)).effective.idleLogoutMinutes?.value, 30);

    await ok(await idle(root.token, root.orgId, 1));
    await ok(await idle(root.token, root.orgId, 1440));
    await ok(await idle(root.token, root.orgId, 15));
    const c = await view(app, customerC.adminToken, customerC.orgId);
    assert.deepEqual(c.effective.idleLogoutMinutes, { value: 15, from: root.orgId, locked: true });
    assert.equal((await effective(app, customerA.adminToken)).policy.idleLogoutMinutes, 15);
    await ok(await idle(root.token, root.orgId, null));
    assert.equal((await effective(app, customerC.adminToken)).policy.idleLogoutMinutes, 30);
  });

  it('refuses values out of range, partial print policies, unknown settings and empty changes', async (t) => {
    const { app } = await buildTestApp(t);
    const { customerA } = await buildTenants(app);
    const org = customerA.orgId;
    const tok = customerA.adminToken;
    const status = async (payload: unknown) => (await patch(app, tok, org, payload)).statusCode;
    const message = async (payload: unknown) =>
      ((await patch(app, tok, org, payload)).json() as { message: string }).message;

    assert.match(await message({ retentionDays: 0 }), /retentionDays must be .*1 to 3650/);
    assert.equal(await status({ retentionDays: 3651 }), 400);
    assert.match(await message({ monthlyPageQuota: -1 }), /monthlyPageQuota must be/);
    assert.equal(await status({ monthlyPageQuota: 10_000_001 }), 400);
    assert.equal(await status({ spoolingMode: 'usb' }), 400);
    assert.equal(await status({ printPolicy: { forceMono: true } }), 400);
    assert.equal(await status({ printPolicy: { forceMono: true, forceDuplex: false, staple: true } }), 400);
    assert.equal(await status({ colour: 'none' }), 400);
    assert.equal(await status({}), 400);
    assert.equal(await status({ locks: {} }), 400);
    assert.equal(await status({ retentionDays: 1, monthlyPageQuota: 0 }), 200);
    assert.equal(await status({ retentionDays: 3650 }), 200);
    const stored = await view(app, tok, org);
    assert.equal(stored.overrides.retentionDays, 3650);
    assert.equal(stored.overrides.monthlyPageQuota, 0, 'zero pages is a quota, not "no quota"');
  });

  it('lets a provider lock a setting for its subtree, which then cannot override it', async (t) => {
    const { app } = await buildTestApp(t);
    const { root, salesB, customerA, customerC } = await buildTenants(app);
    // Customer C chose its own quota before the lock came.
    await ok(await patch(app, customerC.adminToken, customerC.orgId, { monthlyPageQuota: 1000 }));
    await ok(
      await patch(app, salesB.token, salesB.orgId, {
        monthlyPageQuota: 500,
        locks: { monthlyPageQuota: true },
      }),
    );
    const c = await view(app, customerC.adminToken, customerC.orgId);
    assert.equal(c.overrides.monthlyPageQuota, 1000, 'the old override is kept ...');
    assert.deepEqual(
      c.effective.monthlyPageQuota,
      { value: 500, from: salesB.orgId, locked: true },
      '... and ignored',
    );
    const refused = await patch(app, customerC.adminToken, customerC.orgId, { monthlyPageQuota: 2000 });
    assert.equal(refused.statusCode, 409);
    assert.equal((refused.json() as { error: string }).error, 'setting_locked');
    assert.equal((await view(app, salesB.token, customerC.orgId)).overrides.monthlyPageQuota, 1000);
    // The provider itself still changes it, and may clear the child's old value.
    await ok(await patch(app, salesB.token, salesB.orgId, { monthlyPageQuota: 400 }));
    assert.equal((await effective(app, customerC.adminToken)).policy.monthlyPageQuota, 400);
    // Unlocking lets the customer's own value through again.
    await ok(await patch(app, salesB.token, salesB.orgId, { locks: { monthlyPageQuota: false } }));
    assert.equal((await effective(app, customerC.adminToken)).policy.monthlyPageQuota, 1000);

    // A lock higher up beats everything below it, providers included.
    await ok(
      await patch(app, root.token, root.orgId, { spoolingMode: 'cloud', locks: { spoolingMode: true } }),
    );
    assert.equal((await patch(app, salesB.token, salesB.orgId, { spoolingMode: 'local' })).statusCode, 409);
    assert.equal(
      (await patch(app, customerA.adminToken, customerA.orgId, { spoolingMode: 'local' })).statusCode,
      409,
    );
    assert.equal((await patch(app, salesB.token, salesB.orgId, { spoolingMode: null })).statusCode, 200);
    assert.deepEqual((await view(app, customerC.adminToken, customerC.orgId)).effective.spoolingMode, {
      value: 'cloud',
      from: root.orgId,
      locked: true,
    });
    // A customer has no children: there is nothing for it to lock.
    const noChildren = await patch(app, customerA.adminToken, customerA.orgId, {
      locks: { retentionDays: true },
    });
    assert.equal(noChildren.statusCode, 400);
  });

  it('answers the effective policy to any logged-in user and to a desktop by its device token', async (t) => {
    const { app } = await buildTestApp(t);
    const tenants = await buildTenants(app);
    const { root, salesB, customerC } = tenants;
    await ok(await patch(app, root.token, root.orgId, { idleLogoutMinutes: 20 }));
    await ok(await patch(app, salesB.token, customerC.orgId, { spoolingMode: 'cloud' }));
    const desk = await desktopOfC(app, tenants);

    const user = await effective(app, desk.userToken);
    assert.equal(user.organizationId, customerC.orgId);
    assert.equal(user.policy.idleLogoutMinutes, 20);
    assert.equal(user.policy.spoolingMode, 'cloud');

    const device = await app.inject({
      url: '/api/v1/policy/device',
      headers: { authorization: `Device ${desk.deviceToken}` },
    });
    assert.equal(device.statusCode, 200, device.body);
    assert.deepEqual(device.json(), user);
    // A session token is not a device token, and no token is none.
    assert.equal(
      (await app.inject({ url: '/api/v1/policy/device', headers: bearer(desk.userToken) })).statusCode,
      401,
    );
    assert.equal((await app.inject({ url: '/api/v1/policy/device' })).statusCode, 401);
    assert.equal((await app.inject({ url: '/api/v1/policy/effective' })).statusCode, 401);
    // A revoked desktop is refused at once.
    const revoke = await app.inject({
      method: 'POST',
      url: `/api/v1/devices/${desk.deviceId}/revoke`,
      headers: bearer(customerC.adminToken),
    });
    assert.equal(revoke.statusCode, 200, revoke.body);
    const after = await app.inject({
      url: '/api/v1/policy/device',
      headers: { authorization: `Device ${desk.deviceToken}` },
    });
    assert.equal(after.statusCode, 401);
  });

  it('gives a new job the retention of its organization', async (t) => {
    const { app, clock } = await buildTestApp(t);
    const tenants = await buildTenants(app);
    await ok(await patch(app, tenants.customerC.adminToken, tenants.customerC.orgId, { retentionDays: 2 }));
    const desk = await desktopOfC(app, tenants);
    const doc = randomBytes(100);
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/jobs',
      headers: { ...bearer(desk.userToken), 'cps-device': desk.deviceToken },
      payload: {
        clientJobId: randomBytes(16).toString('hex'),
        spool: 'local',
        name: 'a.pdf',
        pages: 1,
        size: doc.length,
        sha256: createHash('sha256').update(doc).digest('hex'),
        options: { copies: 1, sides: 'one-sided', colorMode: 'auto', media: 'iso_a4_210x297mm' },
        location: 'https://192.0.2.7:5571',
        certSha256: 'a'.repeat(64),
      },
    });
    assert.equal(res.statusCode, 201, res.body);
    const job = res.json() as { expiresAt: string };
    assert.equal(Date.parse(job.expiresAt), clock.now() + 2 * 24 * 3600_000);
  });

  it('has a schema that refuses tree-wide settings below the root and values out of range', (t) => {
    const db = new BetterSqlite3(':memory:');
    t.after(() => db.close());
    runMigrations(db);
    db.exec(`INSERT INTO organizations (id, parent_id, kind, name, created_at) VALUES
      ('root', NULL, 'provider', 'Root', 0), ('c', 'root', 'customer', 'C', 0)`);
    const insert = (org: string, column: string, value: unknown) =>
      db
        .prepare(
          `INSERT INTO organization_policies (organization_id, ${column}, updated_at) VALUES (?, ?, 0)`,
        )
        .run(org, value);
    assert.throws(() => insert('c', 'idle_logout_minutes', 10), /root organization only/);
    assert.throws(() => insert('c', 'password_policy', 'asvs'), /root organization only/);
    assert.throws(() => insert('root', 'idle_logout_minutes', 1441), /CHECK constraint failed/);
    assert.throws(() => insert('c', 'force_mono', 1), /CHECK constraint failed/, 'half a print policy');
    insert('c', 'retention_days', 5);
    assert.throws(
      () =>
        db
          .prepare("UPDATE organization_policies SET idle_logout_minutes = 5 WHERE organization_id = 'c'")
          .run(),
      /root organization only/,
    );
  });

  it('keeps overrides, locks and the password mode across a restart', async (t) => {
    const first = await buildTestApp(t);
    const tenants = await buildTenants(first.app);
    await ok(
      await patch(first.app, tenants.root.token, tenants.root.orgId, {
        idleLogoutMinutes: 45,
        passwordPolicy: 'asvs',
      }),
    );
    await ok(
      await patch(first.app, tenants.salesB.token, tenants.salesB.orgId, {
        printPolicy: { forceMono: false, forceDuplex: true },
        locks: { printPolicy: true },
      }),
    );
    await first.app.close();

    const second = await buildTestApp(t, { dataDir: first.dataDir });
    const token = await tokenFor(second.app, 'admin-c', PASSWORD);
    const c = await view(second.app, token, tenants.customerC.orgId);
    assert.deepEqual(c.effective.idleLogoutMinutes, { value: 45, from: tenants.root.orgId, locked: true });
    assert.equal(c.effective.passwordPolicy?.value, 'asvs');
    assert.deepEqual(c.effective.printPolicy, {
      value: { forceMono: false, forceDuplex: true },
      from: tenants.salesB.orgId,
      locked: true,
    });
    // The stricter mode is still in force for new accounts.
    const weak = await second.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: bearer(token),
      payload: { username: 'new-user', password: 'Short-Pw0rd!', role: 'customer_user' },
    });
    assert.equal(weak.statusCode, 400);
    assert.match((weak.json() as { message: string }).message, /at least 15 characters/);
  });
});

describe('password mode of the tree', () => {
  const create = (app: FastifyInstance, token: string, username: string, password: string) =>
    app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: bearer(token),
      payload: { username, password, role: 'customer_user' },
    });

  it('stays on the whitepaper rules until the root admin switches the tree to the ASVS mode', async (t) => {
    const { app } = await buildTestApp(t);
    const { root, salesB, customerA, customerC } = await buildTenants(app);
    const passphrase = 'correct horse battery staple';
    const before = await create(app, customerA.adminToken, 'u1', passphrase);
    assert.equal(before.statusCode, 400, 'the whitepaper wants a digit, an upper-case letter and a symbol');
    assert.equal((before.json() as { error: string }).error, 'password_policy');

    // Only the root's admin chooses, and only on the root.
    assert.equal((await patch(app, salesB.token, salesB.orgId, { passwordPolicy: 'asvs' })).statusCode, 403);
    assert.equal((await patch(app, root.token, salesB.orgId, { passwordPolicy: 'asvs' })).statusCode, 403);
    assert.equal(
      (await patch(app, customerA.adminToken, customerA.orgId, { passwordPolicy: 'asvs' })).statusCode,
      403,
    );
    assert.equal((await patch(app, root.token, root.orgId, { passwordPolicy: 'nist' })).statusCode, 400);
    await ok(await patch(app, root.token, root.orgId, { passwordPolicy: 'asvs' }));

    // Every organization of the tree follows at once, whoever creates the account.
    assert.equal((await create(app, customerA.adminToken, 'u1', passphrase)).statusCode, 201);
    assert.equal((await create(app, customerC.adminToken, 'u2', 'Abcdef1!')).statusCode, 400);
    const common = await create(app, customerC.adminToken, 'u3', 'PasswordPassword');
    assert.equal(common.statusCode, 400);
    assert.match((common.json() as { message: string }).message, /commonly used/);
    const withName = await create(app, customerC.adminToken, 'maria.rossi', 'my name is MARIA.ROSSI ok');
    assert.match((withName.json() as { message: string }).message, /username/);
    assert.equal((await tokenFor(app, 'u1', passphrase)).length > 0, true);

    // Back to the default: the whitepaper rules again.
    await ok(await patch(app, root.token, root.orgId, { passwordPolicy: null }));
    assert.equal(
      (await create(app, customerA.adminToken, 'u4', 'another horse battery staple')).statusCode,
      400,
    );
  });
});
