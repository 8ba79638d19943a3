import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { bearer, buildTestApp, login, tokenFor } from '../../helper.js';
import { createUser, mfpSession, registerDevice, setOwnPin, openDb } from '../../mfp.js';
import { buildTenants, PASSWORD } from '../../tenants.js';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('DELETE /api/v1/organizations/:id', () => {
  it('lets the parent provider admin delete a child customer with everything it holds', async (t) => {
    const { app, dataDir } = await buildTestApp(t);
    const tenants = await buildTenants(app);
    const adminA = tenants.customerA.adminToken;
    await createUser(app, adminA, 'user1');
    const userToken = await tokenFor(app, 'user1', PASSWORD);
    assert.equal(await setOwnPin(app, userToken, '4711'), 200);
    const mfp = await registerDevice(app, adminA, 'mfp');
    const mfpSessionToken = await mfpSession(app, mfp.token, {
      method: 'pin',
      username: 'user1',
      pin: '4711',
    });
    assert.ok(mfpSessionToken);
    const desk = (
      await app.inject({
        method: 'POST',
        url: '/api/v1/devices/desktop',
        headers: bearer(userToken),
        payload: { hostName: 'pc' },
      })
    ).json() as { token: string };
    const doc = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(1000)]);
    const job = await app.inject({
      method: 'POST',
      url: '/api/v1/jobs',
      headers: { ...bearer(userToken), 'cps-device': desk.token },
      payload: {
        clientJobId: randomBytes(16).toString('hex'),
        spool: 'cloud',
        name: 'x.pdf',
        pages: 1,
        size: doc.length,
        sha256: sha256(doc),
        options: { copies: 1, sides: 'one-sided', colorMode: 'auto', media: 'iso_a4_210x297mm' },
      },
    });
    const jobId = (job.json() as { id: string }).id;
    const up = await app.inject({
      method: 'PUT',
      url: `/api/v1/jobs/${jobId}/document`,
      headers: { ...bearer(userToken), 'cps-device': desk.token, 'content-type': 'application/pdf' },
      payload: doc,
    });
    assert.equal(up.statusCode, 200);
    assert.equal(existsSync(join(dataDir, 'blobs', `${jobId}.pdf`)), true);

    // Nobody but the parent's provider admin: the customer itself, a sibling's parent, other roles.
    for (const token of [adminA, tenants.salesB.token, tenants.customerC.adminToken, userToken]) {
      const res = await app.inject({
        method: 'DELETE',
        url: `/api/v1/organizations/${tenants.customerA.orgId}`,
        headers: bearer(token),
      });
      assert.equal(res.statusCode, 404);
    }
    const res = await app.inject({
      method: 'DELETE',
      url: `/api/v1/organizations/${tenants.customerA.orgId}`,
      headers: bearer(tenants.root.token),
    });
    assert.equal(res.statusCode, 204, res.body);

    // Gone: sessions (web and MFP), the device tokens, the logins, the document, every row.
    assert.equal((await app.inject({ url: '/api/v1/me', headers: bearer(userToken) })).statusCode, 401);
    assert.equal((await app.inject({ url: '/api/v1/me', headers: bearer(adminA) })).statusCode, 401);
    const self = await app.inject({
      url: '/api/v1/devices/self',
      headers: { authorization: `Device ${mfp.token}` },
    });
    assert.equal(self.statusCode, 401);
    assert.equal((await login(app, 'user1', PASSWORD)).statusCode, 401);
    assert.deepEqual(readdirSync(join(dataDir, 'blobs')), []);
    const db = openDb(t, dataDir);
    for (const table of ['users', 'devices', 'jobs', 'job_logs', 'id_cards', 'organization_policies']) {
      const n = db
        .prepare(`SELECT count(*) FROM ${table} WHERE organization_id = ?`)
        .pluck()
        .get(tenants.customerA.orgId);
      assert.equal(n, 0, table);
    }
    for (const table of ['pins', 'mfp_sessions', 'sessions']) {
      const n = db
        .prepare(`SELECT count(*) FROM ${table} WHERE user_id NOT IN (SELECT id FROM users)`)
        .pluck()
        .get();
      assert.equal(n, 0, table);
    }
    // The other tenants are untouched.
    assert.equal(
      (await app.inject({ url: '/api/v1/me', headers: bearer(tenants.customerC.adminToken) })).statusCode,
      200,
    );
  });

  it('refuses to delete an organization that still has children, and a provider cannot delete a grandchild', async (t) => {
    const { app } = await buildTestApp(t);
    const tenants = await buildTenants(app);
    const del = (id: string, token: string) =>
      app.inject({ method: 'DELETE', url: `/api/v1/organizations/${id}`, headers: bearer(token) });
    const refused = await del(tenants.salesB.orgId, tenants.root.token);
    assert.equal(refused.statusCode, 409);
    assert.equal((refused.json() as { error: string }).error, 'has_children');
    assert.equal((await del(tenants.customerC.orgId, tenants.root.token)).statusCode, 404);
    assert.equal((await del(tenants.customerC.orgId, tenants.salesB.token)).statusCode, 204);
    assert.equal((await del(tenants.salesB.orgId, tenants.root.token)).statusCode, 204);
    assert.equal((await del(tenants.root.orgId, tenants.root.token)).statusCode, 404);
  });
});
