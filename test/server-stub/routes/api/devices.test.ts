import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { hashToken } from '../../../../server-stub/src/services/session-service.js';
import { bearer, buildTestApp, tokenFor } from '../../helper.js';
import { buildTenants, PASSWORD } from '../../tenants.js';
import type { Tenants } from '../../tenants.js';

const MFP = {
  kind: 'mfp',
  serialNumber: 'SN-0001',
  hostName: 'mfp-1.example.local',
  ipAddress: '192.0.2.10',
};
const DESKTOP = { kind: 'desktop', hostName: 'pc-17' };

interface Registered {
  device: { id: string; organizationId: string; kind: string; revokedAt: string | null };
  token: string;
  tokenType: string;
}

function register(app: FastifyInstance, token: string, payload: object) {
  return app.inject({ method: 'POST', url: '/api/v1/devices', headers: bearer(token), payload });
}

async function registered(app: FastifyInstance, token: string, payload: object): Promise<Registered> {
  const res = await register(app, token, payload);
  assert.equal(res.statusCode, 201, res.body);
  return res.json() as Registered;
}

const deviceAuth = (token: string) => ({ authorization: `Device ${token}` });

function setLicence(app: FastifyInstance, tenants: Tenants, orgId: string, maxDevices: number) {
  const token = orgId === tenants.customerC.orgId ? tenants.salesB.token : tenants.root.token;
  return app.inject({
    method: 'PATCH',
    url: `/api/v1/organizations/${orgId}`,
    headers: bearer(token),
    payload: { maxDevices },
  });
}

/** Customer A with a customer user and a print manager, their tokens. */
async function withCustomerRoles(app: FastifyInstance, tenants: Tenants) {
  for (const [username, role] of [
    ['user-a', 'customer_user'],
    ['pm-a', 'print_manager'],
  ] as const) {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: bearer(tenants.customerA.adminToken),
      payload: { username, password: PASSWORD, role },
    });
    assert.equal(res.statusCode, 201, res.body);
  }
  return {
    user: await tokenFor(app, 'user-a', PASSWORD),
    printManager: await tokenFor(app, 'pm-a', PASSWORD),
  };
}

describe('licence data on customer organizations', () => {
  it('gives a new customer 10 devices by default, or what its provider sets, and none to a provider', async (t) => {
    const { app } = await buildTestApp(t);
    const tenants = await buildTenants(app);
    const a = await app.inject({
      url: `/api/v1/organizations/${tenants.customerA.orgId}`,
      headers: bearer(tenants.root.token),
    });
    assert.equal((a.json() as { maxDevices: number }).maxDevices, 10);
    const b = await app.inject({
      url: `/api/v1/organizations/${tenants.salesB.orgId}`,
      headers: bearer(tenants.root.token),
    });
    assert.equal((b.json() as { maxDevices: number | null }).maxDevices, null);
    const created = await app.inject({
      method: 'POST',
      url: '/api/v1/organizations',
      headers: bearer(tenants.root.token),
      payload: { kind: 'customer', name: 'Customer D', maxDevices: 3 },
    });
    assert.equal(created.statusCode, 201);
    assert.equal((created.json() as { maxDevices: number }).maxDevices, 3);
  });

  it('lets only the parent provider admin change the licence; a provider has none to set', async (t) => {
    const { app } = await buildTestApp(t);
    const tenants = await buildTenants(app);
    const ok = await setLicence(app, tenants, tenants.customerA.orgId, 25);
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal((ok.json() as { maxDevices: number }).maxDevices, 25);
    // Not the customer itself, not a grandparent, not a sibling provider: the same 404 as an unknown id.
    for (const [token, orgId] of [
      [tenants.customerA.adminToken, tenants.customerA.orgId],
      [tenants.root.token, tenants.customerC.orgId],
      [tenants.salesB.token, tenants.customerA.orgId],
      [tenants.root.token, 'no-such-org'],
    ] as const) {
      const res = await app.inject({
        method: 'PATCH',
        url: `/api/v1/organizations/${orgId}`,
        headers: bearer(token),
        payload: { maxDevices: 1000 },
      });
      assert.equal(res.statusCode, 404, `${orgId}: ${res.body}`);
    }
    const provider = await setLicence(app, tenants, tenants.salesB.orgId, 5);
    assert.equal(provider.statusCode, 400);
    for (const payload of [
      {},
      { maxDevices: -1 },
      { maxDevices: 1.5 },
      { maxDevices: 100001 },
      { extra: 1 },
    ]) {
      const res = await app.inject({
        method: 'PATCH',
        url: `/api/v1/organizations/${tenants.customerA.orgId}`,
        headers: bearer(tenants.root.token),
        payload,
      });
      assert.equal(res.statusCode, 400, JSON.stringify(payload));
    }
  });
});

describe('/api/v1/devices', () => {
  it('registers an MFP and a desktop, showing the token once and storing only its SHA-256', async (t) => {
    const { app, dataDir } = await buildTestApp(t);
    const tenants = await buildTenants(app);
    const mfp = await registered(app, tenants.customerA.adminToken, MFP);
    assert.equal(mfp.tokenType, 'Device');
    assert.ok(Buffer.from(mfp.token, 'base64url').length >= 16);
    assert.equal(mfp.device.organizationId, tenants.customerA.orgId);
    const desktop = await registered(app, tenants.customerA.adminToken, DESKTOP);
    assert.deepEqual(
      { serialNumber: null, ipAddress: null },
      {
        serialNumber: (desktop.device as unknown as { serialNumber: null }).serialNumber,
        ipAddress: (desktop.device as unknown as { ipAddress: null }).ipAddress,
      },
    );
    // Never again: neither the list nor the single device carries a token or its hash.
    const list = await app.inject({ url: '/api/v1/devices', headers: bearer(tenants.customerA.adminToken) });
    const one = await app.inject({
      url: `/api/v1/devices/${mfp.device.id}`,
      headers: bearer(tenants.customerA.adminToken),
    });
    for (const body of [list.body, one.body]) {
      assert.ok(!body.includes(mfp.token));
      assert.ok(!body.includes(hashToken(mfp.token)));
      assert.ok(!/token/i.test(body));
    }
    await app.close();
    const files = readdirSync(dataDir, { withFileTypes: true })
      .filter((f) => f.isFile())
      .map((f) => readFileSync(join(dataDir, f.name)).toString('latin1'));
    const dump = files.join('\n');
    for (const { token } of [mfp, desktop]) {
      assert.ok(!dump.includes(token), 'raw device token found in the data dir');
      assert.ok(dump.includes(hashToken(token)), 'the token hash is what is stored');
    }
  });

  it('refuses one device too many with a 409 that names the licence, and counts revoked devices out', async (t) => {
    const { app } = await buildTestApp(t);
    const tenants = await buildTenants(app);
    assert.equal((await setLicence(app, tenants, tenants.customerA.orgId, 2)).statusCode, 200);
    const first = await registered(app, tenants.customerA.adminToken, MFP);
    await registered(app, tenants.customerA.adminToken, DESKTOP);
    const third = await register(app, tenants.customerA.adminToken, { kind: 'desktop', hostName: 'pc-18' });
    assert.equal(third.statusCode, 409);
    const body = third.json() as { error: string; message: string };
    assert.equal(body.error, 'device_limit_reached');
    assert.match(body.message, /licence .* allows 2 devices/);
    // The licence is per organization: customer C still has room.
    await registered(app, tenants.customerC.adminToken, DESKTOP);
    // Revoking frees a slot; raising the licence adds one.
    const revoked = await app.inject({
      method: 'POST',
      url: `/api/v1/devices/${first.device.id}/revoke`,
      headers: bearer(tenants.customerA.adminToken),
    });
    assert.equal(revoked.statusCode, 200);
    await registered(app, tenants.customerA.adminToken, { kind: 'desktop', hostName: 'pc-18' });
    assert.equal(
      (await register(app, tenants.customerA.adminToken, { kind: 'desktop', hostName: 'pc-19' })).statusCode,
      409,
    );
    assert.equal((await setLicence(app, tenants, tenants.customerA.orgId, 3)).statusCode, 200);
    await registered(app, tenants.customerA.adminToken, { kind: 'desktop', hostName: 'pc-19' });
  });

  it('refuses registration by a licence of 0 and by every role but the customer admin', async (t) => {
    const { app } = await buildTestApp(t);
    const tenants = await buildTenants(app);
    const roles = await withCustomerRoles(app, tenants);
    for (const token of [roles.user, roles.printManager, tenants.root.token, tenants.salesB.token]) {
      assert.equal((await register(app, token, DESKTOP)).statusCode, 403);
    }
    assert.equal((await setLicence(app, tenants, tenants.customerA.orgId, 0)).statusCode, 200);
    assert.equal((await register(app, tenants.customerA.adminToken, DESKTOP)).statusCode, 409);
  });

  it('lets any user of a customer register its desktop client within the licence, and no provider', async (t) => {
    const { app } = await buildTestApp(t);
    const tenants = await buildTenants(app);
    await app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: bearer(tenants.customerA.adminToken),
      payload: { username: 'user1', password: PASSWORD, role: 'customer_user' },
    });
    const userToken = await tokenFor(app, 'user1', PASSWORD);
    const desktop = (token: string, payload: object = { hostName: 'pc-user1' }) =>
      app.inject({ method: 'POST', url: '/api/v1/devices/desktop', headers: bearer(token), payload });
    const res = await desktop(userToken);
    assert.equal(res.statusCode, 201, res.body);
    const body = res.json() as Registered;
    assert.equal(body.device.kind, 'desktop');
    assert.equal(body.device.organizationId, tenants.customerA.orgId);
    const self = await app.inject({ url: '/api/v1/devices/self', headers: deviceAuth(body.token) });
    assert.equal(self.statusCode, 200);
    // Only the host name: an MFP cannot be smuggled in through this route.
    assert.equal((await desktop(userToken, { hostName: 'x', kind: 'mfp' })).statusCode, 400);
    for (const token of [tenants.root.token, tenants.salesB.token])
      assert.equal((await desktop(token)).statusCode, 403);
    // The licence counts these too.
    assert.equal((await setLicence(app, tenants, tenants.customerA.orgId, 1)).statusCode, 200);
    const full = await desktop(userToken, { hostName: 'pc-2' });
    assert.equal(full.statusCode, 409);
    assert.equal((full.json() as { error: string }).error, 'device_limit_reached');
  });

  it('validates the body: an MFP needs serial number, host name and IP; a desktop its host name', async (t) => {
    const { app } = await buildTestApp(t);
    const tenants = await buildTenants(app);
    const bad: object[] = [
      {},
      { kind: 'printer', hostName: 'x' },
      { kind: 'mfp', hostName: 'mfp-1', ipAddress: '192.0.2.1' },
      { kind: 'mfp', serialNumber: 'SN1', ipAddress: '192.0.2.1' },
      { kind: 'mfp', serialNumber: 'SN1', hostName: 'mfp-1' },
      { ...MFP, ipAddress: '999.1.1.1' },
      { ...MFP, ipAddress: 'not-an-ip' },
      { ...MFP, hostName: 'bad host' },
      { ...MFP, serialNumber: 'x'.repeat(65) },
      { kind: 'desktop' },
      { kind: 'desktop', hostName: '' },
      { kind: 'desktop', hostName: '-leading-hyphen' },
      { ...DESKTOP, serialNumber: 'SN1' },
    ];
    for (const payload of bad) {
      const res = await register(app, tenants.customerA.adminToken, payload);
      assert.equal(res.statusCode, 400, JSON.stringify(payload));
      assert.deepEqual(Object.keys(res.json() as object).sort(), ['error', 'message']);
    }
    const desktopWithIp = await register(app, tenants.customerA.adminToken, {
      ...DESKTOP,
      ipAddress: '192.0.2.1',
    });
    assert.match((desktopWithIp.json() as { message: string }).message, /host name only/);
    const mfpWithoutIp = await register(app, tenants.customerA.adminToken, { ...MFP, ipAddress: undefined });
    assert.match((mfpWithoutIp.json() as { message: string }).message, /ipAddress/);
    await registered(app, tenants.customerA.adminToken, { ...MFP, ipAddress: '2001:db8::7' });
    const list = await app.inject({ url: '/api/v1/devices', headers: bearer(tenants.customerA.adminToken) });
    assert.equal((list.json() as { devices: unknown[] }).devices.length, 1);
  });

  it('lists devices per Table 2-1: own customer, providers their children only, other customer roles nothing', async (t) => {
    const { app } = await buildTestApp(t);
    const tenants = await buildTenants(app);
    const roles = await withCustomerRoles(app, tenants);
    const a = await registered(app, tenants.customerA.adminToken, MFP);
    const c = await registered(app, tenants.customerC.adminToken, DESKTOP);
    const ids = async (token: string) => {
      const res = await app.inject({ url: '/api/v1/devices', headers: bearer(token) });
      assert.equal(res.statusCode, 200, res.body);
      return (res.json() as { devices: { id: string }[] }).devices.map((d) => d.id);
    };
    assert.deepEqual(await ids(tenants.customerA.adminToken), [a.device.id]);
    assert.deepEqual(await ids(tenants.customerC.adminToken), [c.device.id]);
    assert.deepEqual(await ids(tenants.root.token), [a.device.id]); // C is a grandchild of the root
    assert.deepEqual(await ids(tenants.salesB.token), [c.device.id]);
    for (const token of [roles.user, roles.printManager]) {
      assert.equal((await app.inject({ url: '/api/v1/devices', headers: bearer(token) })).statusCode, 403);
    }
  });

  it("gives the same 404 for an unknown device and for one outside the caller's reach", async (t) => {
    const { app } = await buildTestApp(t);
    const tenants = await buildTenants(app);
    const roles = await withCustomerRoles(app, tenants);
    const a = await registered(app, tenants.customerA.adminToken, MFP);
    const c = await registered(app, tenants.customerC.adminToken, DESKTOP);
    const get = (token: string, id: string) =>
      app.inject({ url: `/api/v1/devices/${id}`, headers: bearer(token) });
    const revoke = (token: string, id: string) =>
      app.inject({ method: 'POST', url: `/api/v1/devices/${id}/revoke`, headers: bearer(token) });
    const unknown = await get(tenants.customerA.adminToken, 'no-such-device');
    assert.equal(unknown.statusCode, 404);
    const cases: [string, string][] = [
      [tenants.customerA.adminToken, c.device.id], // sibling tenant
      [tenants.customerC.adminToken, a.device.id],
      [tenants.root.token, c.device.id], // grandchild
      [tenants.salesB.token, a.device.id], // not its child
      [roles.user, a.device.id], // own organization, but no device rights
      [roles.printManager, a.device.id],
    ];
    for (const [token, id] of cases) {
      for (const res of [await get(token, id), await revoke(token, id)]) {
        assert.equal(res.statusCode, 404);
        assert.equal(res.body, unknown.body);
      }
    }
    assert.equal((await get(tenants.customerA.adminToken, a.device.id)).statusCode, 200);
    assert.equal((await get(tenants.root.token, a.device.id)).statusCode, 200);
    assert.equal((await get(tenants.salesB.token, c.device.id)).statusCode, 200);
    // Nothing was revoked by the refused attempts.
    const self = await app.inject({ url: '/api/v1/devices/self', headers: deviceAuth(a.token) });
    assert.equal(self.statusCode, 200);
  });

  it('authenticates a device by its token, and a revoked token fails on the very next request', async (t) => {
    const { app } = await buildTestApp(t);
    const tenants = await buildTenants(app);
    const mfp = await registered(app, tenants.customerA.adminToken, MFP);
    const other = await registered(app, tenants.customerA.adminToken, DESKTOP);
    const self = await app.inject({ url: '/api/v1/devices/self', headers: deviceAuth(mfp.token) });
    assert.equal(self.statusCode, 200);
    assert.equal((self.json() as { id: string }).id, mfp.device.id);
    // A session token is not a device token, nor is a device token a session.
    assert.equal(
      (await app.inject({ url: '/api/v1/devices/self', headers: bearer(mfp.token) })).statusCode,
      401,
    );
    assert.equal(
      (await app.inject({ url: '/api/v1/devices/self', headers: deviceAuth(tenants.customerA.adminToken) }))
        .statusCode,
      401,
    );
    assert.equal((await app.inject({ url: '/api/v1/me', headers: bearer(mfp.token) })).statusCode, 401);
    assert.equal((await app.inject({ url: '/api/v1/devices/self' })).statusCode, 401);

    const revoked = await app.inject({
      method: 'POST',
      url: `/api/v1/devices/${mfp.device.id}/revoke`,
      headers: bearer(tenants.customerA.adminToken),
    });
    assert.equal(revoked.statusCode, 200);
    assert.equal(
      (revoked.json() as { revokedAt: string }).revokedAt,
      new Date(Date.UTC(2026, 0, 1)).toISOString(),
    );
    const after = await app.inject({ url: '/api/v1/devices/self', headers: deviceAuth(mfp.token) });
    assert.equal(after.statusCode, 401);
    assert.equal(after.headers['www-authenticate'], 'Device');
    assert.deepEqual(Object.keys(after.json() as object).sort(), ['error', 'message']);
    // Only that device: the other still works; revoking again changes nothing.
    assert.equal(
      (await app.inject({ url: '/api/v1/devices/self', headers: deviceAuth(other.token) })).statusCode,
      200,
    );
    const again = await app.inject({
      method: 'POST',
      url: `/api/v1/devices/${mfp.device.id}/revoke`,
      headers: bearer(tenants.customerA.adminToken),
    });
    assert.equal(again.statusCode, 200);
    assert.equal(
      (again.json() as { revokedAt: string }).revokedAt,
      (revoked.json() as { revokedAt: string }).revokedAt,
    );
  });

  it("lets the parent provider admin revoke a child customer's device (Table 2-1)", async (t) => {
    const { app } = await buildTestApp(t);
    const tenants = await buildTenants(app);
    const a = await registered(app, tenants.customerA.adminToken, MFP);
    const revoked = await app.inject({
      method: 'POST',
      url: `/api/v1/devices/${a.device.id}/revoke`,
      headers: bearer(tenants.root.token),
    });
    assert.equal(revoked.statusCode, 200);
    assert.equal(
      (await app.inject({ url: '/api/v1/devices/self', headers: deviceAuth(a.token) })).statusCode,
      401,
    );
  });

  it('requires a session for every user route, before validating the body', async (t) => {
    const { app } = await buildTestApp(t);
    await buildTenants(app);
    for (const [method, url] of [
      ['POST', '/api/v1/devices'],
      ['GET', '/api/v1/devices'],
      ['GET', '/api/v1/devices/x'],
      ['POST', '/api/v1/devices/x/revoke'],
    ] as const) {
      const res = await app.inject({ method, url, payload: method === 'POST' ? { bogus: 1 } : undefined });
      assert.equal(res.statusCode, 401, `${method} ${url}`);
    }
  });
});
