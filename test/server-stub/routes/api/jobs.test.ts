import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { bearer, buildTestApp, tokenFor } from '../../helper.js';
import { buildTenants, PASSWORD } from '../../tenants.js';
import type { Tenants } from '../../tenants.js';

const OPTIONS = { copies: 1, sides: 'one-sided', colorMode: 'auto', media: 'iso_a4_210x297mm' };
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const clientId = () => randomBytes(16).toString('hex');
const pdf = (n = 2000) =>
  Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(n), Buffer.from('\n%%EOF\n')]);

interface Desk {
  userToken: string;
  deviceToken: string;
  deviceId: string;
}

async function addUser(app: FastifyInstance, tenants: Tenants, username: string, customer: 'A' | 'C' = 'A') {
  const adminToken = customer === 'A' ? tenants.customerA.adminToken : tenants.customerC.adminToken;
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/users',
    headers: bearer(adminToken),
    payload: { username, password: PASSWORD, role: 'customer_user' },
  });
  assert.equal(res.statusCode, 201, res.body);
  return tokenFor(app, username, PASSWORD);
}

/** A user logged in on a desktop that registered itself. */
async function desk(
  app: FastifyInstance,
  tenants: Tenants,
  username: string,
  customer: 'A' | 'C' = 'A',
): Promise<Desk> {
  const userToken = await addUser(app, tenants, username, customer);
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/devices/desktop',
    headers: bearer(userToken),
    payload: { hostName: `pc-${username}` },
  });
  assert.equal(res.statusCode, 201, res.body);
  const body = res.json() as { token: string; device: { id: string } };
  return { userToken, deviceToken: body.token, deviceId: body.device.id };
}

const headers = (d: Desk) => ({ ...bearer(d.userToken), 'cps-device': d.deviceToken });

function registerJob(app: FastifyInstance, d: Desk, body: Record<string, unknown>) {
  return app.inject({ method: 'POST', url: '/api/v1/jobs', headers: headers(d), payload: body });
}

const localJob = (doc: Buffer, extra: object = {}) => ({
  clientJobId: clientId(),
  spool: 'local',
  name: 'Quarterly report.pdf',
  pages: 3,
  size: doc.length,
  sha256: sha256(doc),
  options: OPTIONS,
  location: 'https://192.0.2.7:5571',
  certSha256: 'a'.repeat(64),
  ...extra,
});

const cloudJob = (doc: Buffer) => ({
  ...localJob(doc),
  spool: 'cloud',
  location: undefined,
  certSha256: undefined,
});

function upload(app: FastifyInstance, d: Desk, id: string, body: Buffer, type = 'application/pdf') {
  return app.inject({
    method: 'PUT',
    url: `/api/v1/jobs/${id}/document`,
    headers: { ...headers(d), 'content-type': type },
    payload: Readable.from([body.subarray(0, 100), body.subarray(100)]),
  });
}

describe('/api/v1/jobs', () => {
  it('registers a local job once: the same desktop and job id answer the stored job', async (t) => {
    const { app } = await buildTestApp(t);
    const tenants = await buildTenants(app);
    const d = await desk(app, tenants, 'user1');
    const doc = pdf();
    const body = localJob(doc);
    const first = await registerJob(app, d, body);
    assert.equal(first.statusCode, 201, first.body);
    const job = first.json() as { id: string; state: string; desktopId: string; spool: string };
    assert.equal(job.state, 'ready');
    assert.equal(job.desktopId, d.deviceId);
    assert.ok(!('location' in job), 'the desktop address is for the MFP session only');
    const again = await registerJob(app, d, body);
    assert.equal(again.statusCode, 200);
    assert.equal((again.json() as { id: string }).id, job.id);
    const other = await registerJob(app, d, { ...body, sha256: 'b'.repeat(64) });
    assert.equal(other.statusCode, 409);
    const list = await app.inject({ url: '/api/v1/jobs', headers: bearer(d.userToken) });
    assert.equal((list.json() as { jobs: unknown[] }).jobs.length, 1);
    // A local job must say where it waits.
    assert.equal((await registerJob(app, d, { ...localJob(doc), location: undefined })).statusCode, 400);
  });

  it('gives a job back to its user’s desktop registered anew (token lost in a restart), moved to it, never twice', async (t) => {
    const { app } = await buildTestApp(t);
    const tenants = await buildTenants(app);
    const old = await desk(app, tenants, 'user1');
    // The same desktop after a restart without a keychain: the user logs in, the desktop registers again.
    const again = await app.inject({
      method: 'POST',
      url: '/api/v1/devices/desktop',
      headers: bearer(old.userToken),
      payload: { hostName: 'pc-user1' },
    });
    assert.equal(again.statusCode, 201, again.body);
    const renewed = (again.json() as { token: string; device: { id: string } }).token;
    const fresh: Desk = {
      ...old,
      deviceToken: renewed,
      deviceId: (again.json() as { device: { id: string } }).device.id,
    };
    assert.notEqual(fresh.deviceId, old.deviceId);

    // A local job whose registration reached the server just before the kill, sent again from the new device.
    const local = pdf();
    const body = localJob(local);
    const first = (await registerJob(app, old, body)).json() as { id: string };
    const moved = await registerJob(app, fresh, { ...body, location: 'https://192.0.2.8:5571' });
    assert.equal(moved.statusCode, 200, moved.body);
    const view = moved.json() as { id: string; desktopId: string; state: string };
    assert.equal(view.id, first.id);
    assert.equal(view.desktopId, fresh.deviceId, 'MFP tickets now name the desktop that serves it');
    assert.equal(view.state, 'ready');
    // Another document under that id is still a conflict, from either device.
    assert.equal((await registerJob(app, fresh, { ...body, sha256: 'b'.repeat(64) })).statusCode, 409);

    // A cloud job registered by the old device, then registered and uploaded by the new one.
    const cloudDoc = pdf(50_000);
    const cloud = cloudJob(cloudDoc);
    const registered = (await registerJob(app, old, cloud)).json() as { id: string };
    const back = await registerJob(app, fresh, cloud);
    assert.equal(back.statusCode, 200, back.body);
    assert.equal((back.json() as { id: string }).id, registered.id);
    const uploaded = await upload(app, fresh, registered.id, cloudDoc);
    assert.equal(uploaded.statusCode, 200, uploaded.body);
    assert.equal((uploaded.json() as { state: string }).state, 'ready');

    const list = await app.inject({ url: '/api/v1/jobs', headers: bearer(old.userToken) });
    assert.deepEqual(
      (list.json() as { jobs: Array<{ id: string }> }).jobs.map((j) => j.id).sort(),
      [first.id, registered.id].sort(),
    );
    // Another user's desktop with the same job id gets a job of its own: nothing moves across users.
    const colleague = await desk(app, tenants, 'user2');
    const own = await registerJob(app, colleague, body);
    assert.equal(own.statusCode, 201, own.body);
    assert.notEqual((own.json() as { id: string }).id, first.id);
    const mine = await app.inject({ url: `/api/v1/jobs/${first.id}`, headers: bearer(old.userToken) });
    assert.equal((mine.json() as { desktopId: string }).desktopId, fresh.deviceId);
  });

  it('stores a cloud job only whole and verified, and a repeated upload is harmless', async (t) => {
    const { app, dataDir } = await buildTestApp(t);
    const tenants = await buildTenants(app);
    const d = await desk(app, tenants, 'user1');
    const doc = pdf(300_000);
    const res = await registerJob(app, d, cloudJob(doc));
    assert.equal(res.statusCode, 201, res.body);
    const { id, state } = res.json() as { id: string; state: string };
    assert.equal(state, 'awaiting_upload');
    const blobs = join(dataDir, 'blobs');

    assert.equal((await upload(app, d, id, doc, 'text/plain')).statusCode, 415);
    const tampered = Buffer.from(doc);
    tampered[5000] = (tampered[5000] ?? 0) ^ 1;
    const bad = await upload(app, d, id, tampered);
    assert.equal(bad.statusCode, 422);
    assert.equal((bad.json() as { error: string }).error, 'hash_mismatch');
    const short = await upload(app, d, id, doc.subarray(0, doc.length - 1));
    assert.equal(short.statusCode, 400);
    const long = await upload(app, d, id, Buffer.concat([doc, Buffer.from('x')]));
    assert.equal(long.statusCode, 413);
    assert.deepEqual(readdirSync(blobs), [], 'nothing partial is kept');
    const waiting = await app.inject({ url: `/api/v1/jobs/${id}`, headers: bearer(d.userToken) });
    assert.equal((waiting.json() as { state: string }).state, 'awaiting_upload');

    const ok = await upload(app, d, id, doc);
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal((ok.json() as { state: string }).state, 'ready');
    assert.deepEqual(readFileSync(join(blobs, `${id}.pdf`)), doc);
    const again = await upload(app, d, id, doc);
    assert.equal(again.statusCode, 200);
    assert.deepEqual(readdirSync(blobs), [`${id}.pdf`]);

    const canceled = await app.inject({
      method: 'POST',
      url: `/api/v1/jobs/${id}/cancel`,
      headers: bearer(d.userToken),
    });
    assert.equal(canceled.statusCode, 200);
    assert.equal((canceled.json() as { state: string }).state, 'canceled');
    assert.equal(existsSync(join(blobs, `${id}.pdf`)), false);
    assert.equal((await upload(app, d, id, doc)).statusCode, 409);
  });

  it("shows a job to its owner only: a colleague, the admin and another tenant get the unknown id's 404", async (t) => {
    const { app } = await buildTestApp(t);
    const tenants = await buildTenants(app);
    const d = await desk(app, tenants, 'user1');
    const colleague = await addUser(app, tenants, 'user2');
    const foreign = await addUser(app, tenants, 'user-c', 'C');
    const { id } = (await registerJob(app, d, localJob(pdf()))).json() as { id: string };
    const unknown = await app.inject({
      url: '/api/v1/jobs/00000000-0000-0000-0000-000000000000',
      headers: bearer(d.userToken),
    });
    assert.equal(unknown.statusCode, 404);
    for (const token of [colleague, foreign, tenants.customerA.adminToken]) {
      const res = await app.inject({ url: `/api/v1/jobs/${id}`, headers: bearer(token) });
      assert.equal(res.statusCode, 404);
      assert.equal(res.body, unknown.body);
      const cancel = await app.inject({
        method: 'POST',
        url: `/api/v1/jobs/${id}/cancel`,
        headers: bearer(token),
      });
      assert.equal(cancel.body, unknown.body);
      const list = await app.inject({ url: '/api/v1/jobs', headers: bearer(token) });
      assert.deepEqual((list.json() as { jobs: unknown[] }).jobs, []);
    }
    // Providers hold no print jobs at all (Table 2-1: customer job data is inaccessible).
    assert.equal(
      (await app.inject({ url: '/api/v1/jobs', headers: bearer(tenants.root.token) })).statusCode,
      403,
    );
  });

  it('needs the live desktop token of the caller’s organization beside the session', async (t) => {
    const { app } = await buildTestApp(t);
    const tenants = await buildTenants(app);
    const d = await desk(app, tenants, 'user1');
    const dc = await desk(app, tenants, 'user-c', 'C');
    const body = localJob(pdf());
    const post = (h: Record<string, string>) =>
      app.inject({ method: 'POST', url: '/api/v1/jobs', headers: h, payload: body });
    assert.equal((await post(bearer(d.userToken))).statusCode, 401);
    assert.equal((await post({ ...bearer(d.userToken), 'cps-device': dc.deviceToken })).statusCode, 401);
    assert.equal((await post({ ...bearer(d.userToken), 'cps-device': 'x'.repeat(43) })).statusCode, 401);
    assert.equal((await post({ 'cps-device': d.deviceToken })).statusCode, 401);
    const revoke = await app.inject({
      method: 'POST',
      url: `/api/v1/devices/${d.deviceId}/revoke`,
      headers: bearer(tenants.customerA.adminToken),
    });
    assert.equal(revoke.statusCode, 200);
    assert.equal((await post(headers(d))).statusCode, 401);
  });

  it('removes waiting jobs and their documents when the retention time has come', async (t) => {
    const { app, clock, dataDir } = await buildTestApp(t, { sweepIntervalMs: 20 });
    const tenants = await buildTenants(app);
    const d = await desk(app, tenants, 'user1');
    const doc = pdf();
    const { id } = (await registerJob(app, d, cloudJob(doc))).json() as { id: string };
    assert.equal((await upload(app, d, id, doc)).statusCode, 200);
    await new Promise((r) => setTimeout(r, 60));
    assert.equal(
      (await app.inject({ url: `/api/v1/jobs/${id}`, headers: bearer(d.userToken) })).statusCode,
      200,
    );
    clock.advance(7 * 24 * 3600_000);
    for (let i = 0; i < 50 && existsSync(join(dataDir, 'blobs', `${id}.pdf`)); i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(existsSync(join(dataDir, 'blobs', `${id}.pdf`)), false);
    const fresh = await tokenFor(app, 'user1', PASSWORD); // the old session ran out long ago
    assert.equal((await app.inject({ url: `/api/v1/jobs/${id}`, headers: bearer(fresh) })).statusCode, 404);
  });
});
