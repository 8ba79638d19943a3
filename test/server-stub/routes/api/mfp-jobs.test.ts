import assert from 'node:assert/strict';
import { createHash, createPublicKey, randomBytes, verify } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { bearer, buildTestApp, tokenFor } from '../../helper.js';
import { createUser, mfpHeaders, mfpSession, registerDevice, setOwnPin } from '../../mfp.js';
import { buildTenants, PASSWORD } from '../../tenants.js';

const OPTIONS = { copies: 1, sides: 'one-sided', colorMode: 'auto', media: 'iso_a4_210x297mm' };
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const pdf = () => Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(5000), Buffer.from('\n%%EOF\n')]);

interface Listed {
  jobs: {
    job: { id: string; clientJobId: string; spool: string; desktopId: string };
    fetch: { url: string; ticket?: string; certSha256?: string | null };
  }[];
}

/** A user with a desktop, a local and a cloud job waiting, and an MFP of the same customer. */
async function scene(app: FastifyInstance) {
  const tenants = await buildTenants(app);
  await createUser(app, tenants.customerA.adminToken, 'user1');
  const userToken = await tokenFor(app, 'user1', PASSWORD);
  assert.equal(await setOwnPin(app, userToken, '4711'), 200);
  const desk = await app.inject({
    method: 'POST',
    url: '/api/v1/devices/desktop',
    headers: bearer(userToken),
    payload: { hostName: 'pc-user1' },
  });
  const desktop = desk.json() as { token: string; device: { id: string } };
  const headers = { ...bearer(userToken), 'cps-device': desktop.token };
  const localDoc = pdf();
  const cloudDoc = pdf();
  const register = async (doc: Buffer, spool: 'local' | 'cloud') => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/jobs',
      headers,
      payload: {
        clientJobId: randomBytes(16).toString('hex'),
        spool,
        name: `${spool}.pdf`,
        pages: 3,
        size: doc.length,
        sha256: sha256(doc),
        options: OPTIONS,
        ...(spool === 'local' ? { location: 'https://192.0.2.7:5571', certSha256: 'c'.repeat(64) } : {}),
      },
    });
    assert.equal(res.statusCode, 201, res.body);
    return res.json() as { id: string; clientJobId: string };
  };
  const local = await register(localDoc, 'local');
  const cloud = await register(cloudDoc, 'cloud');
  const up = await app.inject({
    method: 'PUT',
    url: `/api/v1/jobs/${cloud.id}/document`,
    headers: { ...headers, 'content-type': 'application/pdf' },
    payload: cloudDoc,
  });
  assert.equal(up.statusCode, 200, up.body);
  const mfp = await registerDevice(app, tenants.customerA.adminToken, 'mfp');
  const session = await mfpSession(app, mfp.token, { method: 'pin', username: 'user1', pin: '4711' });
  return {
    tenants,
    userToken,
    desktop,
    local,
    cloud,
    cloudDoc,
    mfp,
    mfpAuth: mfpHeaders(mfp.token, session),
  };
}

describe('/api/v1/mfp/jobs (release at the MFP)', () => {
  it('lists the user’s jobs with a ticket for the desktop that verifies with the published key', async (t) => {
    const { app, clock } = await buildTestApp(t);
    const s = await scene(app);
    const res = await app.inject({ url: '/api/v1/mfp/jobs', headers: s.mfpAuth });
    assert.equal(res.statusCode, 200, res.body);
    const { jobs } = res.json() as Listed;
    assert.equal(jobs.length, 2);
    const local = jobs.find((j) => j.job.spool === 'local');
    const cloud = jobs.find((j) => j.job.spool === 'cloud');
    assert.ok(local && cloud);
    assert.equal(local.fetch.url, `https://192.0.2.7:5571/v1/jobs/${s.local.clientJobId}/document`);
    assert.equal(local.fetch.certSha256, 'c'.repeat(64));
    assert.equal(cloud.fetch.url, `/api/v1/mfp/jobs/${s.cloud.id}/document`);
    assert.equal(cloud.fetch.ticket, undefined);

    // The ticket: signed by the key the desktop fetches at login, for this desktop, MFP, user and job.
    const keys = await app.inject({ url: '/api/v1/tickets/keys', headers: bearer(s.userToken) });
    const [key] = (keys.json() as { keys: { kid: string; publicKey: string }[] }).keys;
    assert.ok(key && local.fetch.ticket);
    const [payload, signature] = local.fetch.ticket.split('.');
    assert.ok(payload && signature);
    const publicKey = createPublicKey({
      key: { kty: 'OKP', crv: 'Ed25519', x: key.publicKey },
      format: 'jwk',
    });
    assert.ok(verify(null, Buffer.from(payload, 'ascii'), publicKey, Buffer.from(signature, 'base64url')));
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    assert.equal(claims.desk, s.desktop.device.id);
    assert.equal(claims.mfp, s.mfp.id);
    assert.equal(claims.kid, key.kid);
    assert.deepEqual(claims.jobs, [s.local.clientJobId]);
    assert.ok((claims.exp as number) * 1000 <= clock.now() + 300_000);
    assert.equal((await app.inject({ url: '/api/v1/tickets/keys' })).statusCode, 401);
  });

  it('serves a cloud document to the owner’s MFP session and logs the printed report once', async (t) => {
    const { app, dataDir } = await buildTestApp(t);
    const s = await scene(app);
    const doc = await app.inject({ url: `/api/v1/mfp/jobs/${s.cloud.id}/document`, headers: s.mfpAuth });
    assert.equal(doc.statusCode, 200);
    assert.equal(doc.headers['content-type'], 'application/pdf');
    assert.deepEqual(doc.rawPayload, s.cloudDoc);

    // The user is in a group when the job prints: the group report counts it there.
    const patched = await app.inject({
      method: 'PATCH',
      url: `/api/v1/users/${(await app.inject({ url: '/api/v1/me', headers: bearer(s.userToken) })).json().user.id as string}`,
      headers: bearer(s.tenants.customerA.adminToken),
      payload: { group: 'Accounting' },
    });
    assert.equal(patched.statusCode, 200, patched.body);
    const report = { pages: 3, color: false, duplex: true };
    const printed = await app.inject({
      method: 'POST',
      url: `/api/v1/mfp/jobs/${s.cloud.id}/printed`,
      headers: s.mfpAuth,
      payload: report,
    });
    assert.equal(printed.statusCode, 200, printed.body);
    const log = printed.json() as { pages: number; sheets: number; deviceId: string };
    assert.equal(log.pages, 3);
    assert.equal(log.sheets, 2);
    assert.equal(log.deviceId, s.mfp.id);
    assert.equal(existsSync(join(dataDir, 'blobs', `${s.cloud.id}.pdf`)), false, 'the document is gone');
    // A repeated report (a lost answer) changes nothing.
    const again = await app.inject({
      method: 'POST',
      url: `/api/v1/mfp/jobs/${s.cloud.id}/printed`,
      headers: s.mfpAuth,
      payload: report,
    });
    assert.equal(again.statusCode, 200);
    assert.deepEqual(again.json(), printed.json());

    // The owner's log and the desktop's view both show it; the MFP no longer lists it.
    const own = await app.inject({ url: '/api/v1/me/log', headers: bearer(s.userToken) });
    assert.equal((own.json() as { totals: { pages: number; jobs: number } }).totals.pages, 3);
    const groups = await app.inject({
      url: '/api/v1/reports/usage?by=group',
      headers: bearer(s.tenants.customerA.adminToken),
    });
    assert.deepEqual(
      (groups.json() as { rows: { id: string; label: string; pages: number }[] }).rows.map((r) => [
        r.id,
        r.label,
        r.pages,
      ]),
      [['Accounting', 'Accounting', 3]],
    );
    const job = await app.inject({ url: `/api/v1/jobs/${s.cloud.id}`, headers: bearer(s.userToken) });
    assert.equal((job.json() as { state: string }).state, 'printed');
    const list = (await app.inject({ url: '/api/v1/mfp/jobs', headers: s.mfpAuth })).json() as Listed;
    assert.deepEqual(
      list.jobs.map((j) => j.job.id),
      [s.local.id],
    );
    const gone = await app.inject({ url: `/api/v1/mfp/jobs/${s.cloud.id}/document`, headers: s.mfpAuth });
    assert.equal(gone.statusCode, 409);
  });

  it('shows another user at the same MFP none of these jobs, and refuses without a live MFP session', async (t) => {
    const { app } = await buildTestApp(t);
    const s = await scene(app);
    await createUser(app, s.tenants.customerA.adminToken, 'user2');
    const t2 = await tokenFor(app, 'user2', PASSWORD);
    assert.equal(await setOwnPin(app, t2, '1234'), 200);
    const other = mfpHeaders(
      s.mfp.token,
      await mfpSession(app, s.mfp.token, { method: 'pin', username: 'user2', pin: '1234' }),
    );
    const list = await app.inject({ url: '/api/v1/mfp/jobs', headers: other });
    assert.deepEqual((list.json() as Listed).jobs, []);
    const unknown = await app.inject({
      url: '/api/v1/mfp/jobs/00000000-0000-0000-0000-000000000000/document',
      headers: other,
    });
    assert.equal(unknown.statusCode, 404);
    for (const [method, url, payload] of [
      ['GET', `/api/v1/mfp/jobs/${s.cloud.id}/document`, undefined],
      ['POST', `/api/v1/mfp/jobs/${s.cloud.id}/printed`, { pages: 3, color: false, duplex: false }],
    ] as const) {
      const res = await app.inject({ method, url, headers: other, ...(payload ? { payload } : {}) });
      assert.equal(res.statusCode, 404);
      assert.equal(res.body, unknown.body);
    }
    // The device token alone, or the user's web session, is not an MFP session.
    assert.equal(
      (await app.inject({ url: '/api/v1/mfp/jobs', headers: { authorization: `Device ${s.mfp.token}` } }))
        .statusCode,
      401,
    );
    assert.equal(
      (await app.inject({ url: '/api/v1/mfp/jobs', headers: bearer(s.userToken) })).statusCode,
      401,
    );
    // The job is still there for its owner.
    const mine = (await app.inject({ url: '/api/v1/mfp/jobs', headers: s.mfpAuth })).json() as Listed;
    assert.equal(mine.jobs.length, 2);
  });
});
