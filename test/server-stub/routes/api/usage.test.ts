import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { DATABASE_FILE } from '../../../../server-stub/src/db/database.js';
import { monthRange } from '../../../../server-stub/src/routes/api/usage/index.js';
import { bearer, buildTestApp, tokenFor } from '../../helper.js';
import { createUser } from '../../mfp.js';
import { buildTenants, PASSWORD } from '../../tenants.js';

/** Job log rows as the printed reports leave them (the MFP route is tested on its own). */
function logPrinted(
  dataDir: string,
  rows: {
    org: string;
    user: string | null;
    device: string | null;
    pages: number;
    color: boolean;
    duplex: boolean;
    at: number;
  }[],
) {
  const db = new BetterSqlite3(join(dataDir, DATABASE_FILE));
  try {
    const insert =
      db.prepare(`INSERT INTO job_logs (id, organization_id, user_id, device_id, job_id, name, spool,
      pages, sheets, color, duplex, printed_at) VALUES (?, ?, ?, ?, ?, ?, 'local', ?, ?, ?, ?, ?)`);
    for (const r of rows) {
      insert.run(
        randomUUID(),
        r.org,
        r.user,
        r.device,
        randomUUID(),
        'Report.pdf',
        r.pages,
        r.duplex ? Math.ceil(r.pages / 2) : r.pages,
        r.color ? 1 : 0,
        r.duplex ? 1 : 0,
        r.at,
      );
    }
  } finally {
    db.close();
  }
}

describe('job log and usage reports', () => {
  it('computes UTC month ranges, including December', () => {
    const dec = monthRange('2026-12', 0);
    assert.equal(dec.from, Date.UTC(2026, 11, 1));
    assert.equal(dec.to, Date.UTC(2027, 0, 1));
    assert.equal(monthRange(undefined, Date.UTC(2026, 4, 31, 23, 59)).month, '2026-05');
  });

  it("shows a user their own log only, and the customer admin the organization's report by user and device", async (t) => {
    const { app, clock, dataDir } = await buildTestApp(t);
    const tenants = await buildTenants(app);
    const u1 = await createUser(app, tenants.customerA.adminToken, 'user1');
    const u2 = await createUser(app, tenants.customerA.adminToken, 'user2');
    const uc = await createUser(app, tenants.customerC.adminToken, 'user-c');
    const mfp = await app.inject({
      method: 'POST',
      url: '/api/v1/devices',
      headers: bearer(tenants.customerA.adminToken),
      payload: { kind: 'mfp', serialNumber: 'SN1', hostName: 'mfp-1', ipAddress: '192.0.2.10' },
    });
    const mfpId = (mfp.json() as { device: { id: string } }).device.id;
    const now = clock.now(); // 2026-01-01T00:00Z
    logPrinted(dataDir, [
      {
        org: tenants.customerA.orgId,
        user: u1,
        device: mfpId,
        pages: 3,
        color: false,
        duplex: false,
        at: now + 1000,
      },
      {
        org: tenants.customerA.orgId,
        user: u1,
        device: mfpId,
        pages: 4,
        color: true,
        duplex: true,
        at: now + 2000,
      },
      {
        org: tenants.customerA.orgId,
        user: u2,
        device: mfpId,
        pages: 10,
        color: false,
        duplex: true,
        at: now + 3000,
      },
      // Last month, and another tenant: in nobody's January report here.
      {
        org: tenants.customerA.orgId,
        user: u1,
        device: mfpId,
        pages: 50,
        color: false,
        duplex: false,
        at: now - 1000,
      },
      {
        org: tenants.customerC.orgId,
        user: uc,
        device: null,
        pages: 99,
        color: false,
        duplex: false,
        at: now + 1000,
      },
    ]);
    const t1 = await tokenFor(app, 'user1', PASSWORD);
    const own = await app.inject({ url: '/api/v1/me/log', headers: bearer(t1) });
    assert.equal(own.statusCode, 200, own.body);
    const body = own.json() as {
      month: string;
      entries: { pages: number }[];
      totals: Record<string, number>;
    };
    assert.equal(body.month, '2026-01');
    assert.deepEqual(
      body.entries.map((e) => e.pages),
      [4, 3],
    );
    assert.deepEqual(body.totals, {
      jobs: 2,
      pages: 7,
      colorPages: 4,
      monoPages: 3,
      duplexPages: 4,
      sheets: 5,
    });
    const december = await app.inject({ url: '/api/v1/me/log?month=2025-12', headers: bearer(t1) });
    assert.equal((december.json() as { totals: { pages: number } }).totals.pages, 50);
    assert.equal(
      (await app.inject({ url: '/api/v1/me/log?month=2026-13', headers: bearer(t1) })).statusCode,
      400,
    );

    const byUser = await app.inject({
      url: '/api/v1/reports/usage?by=user',
      headers: bearer(tenants.customerA.adminToken),
    });
    assert.equal(byUser.statusCode, 200, byUser.body);
    const rows = (byUser.json() as { rows: { label: string; pages: number }[] }).rows;
    assert.deepEqual(rows.map((r) => [r.label, r.pages]).sort(), [
      ['user1', 7],
      ['user2', 10],
    ]);
    const byDevice = await app.inject({
      url: '/api/v1/reports/usage?by=device',
      headers: bearer(tenants.customerA.adminToken),
    });
    assert.deepEqual(
      (byDevice.json() as { rows: { label: string; pages: number; colorPages: number }[] }).rows.map((r) => [
        r.label,
        r.pages,
        r.colorPages,
      ]),
      [['mfp-1', 17, 4]],
    );

    // Table 2-1: users and print managers get no organization report; providers see no customer reports.
    const pm = await createUser(app, tenants.customerA.adminToken, 'pm', 'print_manager');
    assert.ok(pm);
    const pmToken = await tokenFor(app, 'pm', PASSWORD);
    for (const token of [t1, pmToken, tenants.root.token, tenants.salesB.token]) {
      assert.equal(
        (await app.inject({ url: '/api/v1/reports/usage?by=user', headers: bearer(token) })).statusCode,
        403,
      );
    }
    assert.equal((await app.inject({ url: '/api/v1/me/log', headers: bearer(pmToken) })).statusCode, 403);
  });

  it("keeps a deleted user's pages in the totals without the user or the document name", async (t) => {
    const { app, clock, dataDir } = await buildTestApp(t);
    const tenants = await buildTenants(app);
    const u1 = await createUser(app, tenants.customerA.adminToken, 'user1');
    logPrinted(dataDir, [
      {
        org: tenants.customerA.orgId,
        user: u1,
        device: null,
        pages: 5,
        color: false,
        duplex: false,
        at: clock.now() + 1,
      },
    ]);
    const del = await app.inject({
      method: 'DELETE',
      url: `/api/v1/users/${u1}`,
      headers: bearer(tenants.customerA.adminToken),
    });
    assert.equal(del.statusCode, 204);
    const report = await app.inject({
      url: '/api/v1/reports/usage?by=user',
      headers: bearer(tenants.customerA.adminToken),
    });
    assert.deepEqual(
      (report.json() as { rows: { id: string | null; label: string; pages: number }[] }).rows,
      [
        {
          id: null,
          label: '(deleted user)',
          jobs: 1,
          pages: 5,
          colorPages: 0,
          monoPages: 5,
          duplexPages: 0,
          sheets: 5,
        },
      ],
    );
    const db = new BetterSqlite3(join(dataDir, DATABASE_FILE), { readonly: true });
    t.after(() => db.close());
    assert.deepEqual(db.prepare('SELECT user_id, name FROM job_logs').all(), [{ user_id: null, name: null }]);
  });
});
