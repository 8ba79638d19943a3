// The job outbox against the real cloud server (server-stub's buildApp) and a real in-process spooler logged
// in through its desktop session.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../../server-stub/src/app.js';
import { ingestPdf } from '../../../main/capture/ingest-pdf.js';
import type { OutboxStep } from '../../../main/cloud/job-outbox.js';
import { loadConfig } from '../../../main/core/config.js';
import { startSpooler } from '../../../main/core/spooler.js';
import type { Spooler } from '../../../main/core/spooler.js';
import { createLogger } from '../../../main/log/logger.js';
import { DEVICE_TOKEN_KEY } from '../../../main/session/desktop-session.js';
import { createMemorySecretStore } from '../../../main/session/secret-store.js';
import type { SecretStore } from '../../../main/session/secret-store.js';
import type { Job } from '../../../main/spool/job.js';
import { makePdf, sha256 } from '../../helpers/pdf.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { PASSWORD, ROOT, settle, startCloud } from '../session/session-fixture.js';
import type { Cloud } from '../session/session-fixture.js';

interface Desk {
  spooler: Spooler;
  dataDir: string;
  secrets: SecretStore;
  steps: Array<{ step: OutboxStep; job: string }>;
  capture(name?: string): Promise<Job>;
}

/** A spooler on free ports with the server, fast backoff and printed polling; not logged in. */
async function startDesk(
  t: Pick<TestContext, 'after'>,
  cloud: Pick<Cloud, 'url'>,
  options: {
    dataDir?: string;
    secrets?: SecretStore;
    initialBackoffMs?: number;
    onStep?: (step: OutboxStep, job: string) => void | Promise<void>;
    extraArgs?: string[];
  } = {},
): Promise<Desk> {
  const dataDir = options.dataDir ?? tempDir(t, 'cps-desk-');
  const secrets = options.secrets ?? createMemorySecretStore();
  const config = loadConfig(
    [
      ...['--data-dir', dataDir, '--control-port', '0', '--ipp-port', '0', '--hot-folder', 'off'],
      ...['--mfp-port', '0', '--mfp-host', '127.0.0.1', '--server-url', cloud.url],
      ...(options.extraArgs ?? []),
    ],
    {},
  );
  const steps: Desk['steps'] = [];
  const spooler = await startSpooler(config, createLogger({ dir: null, console: false }), {
    secrets,
    outbox: {
      initialBackoffMs: options.initialBackoffMs ?? 20,
      maxBackoffMs: 200,
      printedPollMs: 50,
      onStep: async (step, job) => {
        steps.push({ step, job });
        await options.onStep?.(step, job);
      },
    },
  });
  t.after(() => spooler.stop());
  return {
    spooler,
    dataDir,
    secrets,
    steps,
    async capture(name = 'report.pdf') {
      const ownerId = spooler.session?.currentUserId() ?? null;
      return ingestPdf(
        spooler.store,
        Readable.from([await makePdf(2, { padBytes: 200_000, title: name })]),
        { name, owner: 'os-user', ...(ownerId === null ? {} : { ownerId }) },
        1 << 24,
      );
    },
  };
}

interface ServerJob {
  id: string;
  clientJobId: string;
  desktopId: string;
  spool: string;
  state: string;
  name: string;
  pages: number;
  size: number;
  sha256: string;
}

async function userToken(app: FastifyInstance, username = 'user-a'): Promise<string> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { username, password: PASSWORD },
  });
  assert.equal(res.statusCode, 200, res.body);
  return (res.json() as { token: string }).token;
}

/** The user's jobs as the server lists them (GET /api/v1/jobs). */
async function serverJobs(app: FastifyInstance, state?: string): Promise<ServerJob[]> {
  const res = await app.inject({
    url: `/api/v1/jobs${state ? `?state=${state}` : ''}`,
    headers: { authorization: `Bearer ${await userToken(app)}` },
  });
  assert.equal(res.statusCode, 200, res.body);
  return (res.json() as { jobs: ServerJob[] }).jobs;
}

async function setSpooling(cloud: Cloud, mode: 'local' | 'cloud'): Promise<void> {
  const res = await cloud.app.inject({
    method: 'PATCH',
    url: `/api/v1/organizations/${cloud.orgId}/policy`,
    headers: { authorization: `Bearer ${cloud.adminToken}` },
    payload: { spoolingMode: mode },
  });
  assert.equal(res.statusCode, 200, res.body);
}

const blobPath = (cloud: Pick<Cloud, 'dataDir'>, serverJobId: string) =>
  join(cloud.dataDir, 'blobs', `${serverJobId}.pdf`);

function documentOf(desk: Desk, id: string): Buffer {
  return readFileSync(join(desk.dataDir, 'spool', `${id}.pdf`));
}

/** The server again on its data dir and port (after `app.close()`). */
async function restartServer(t: Pick<TestContext, 'after'>, cloud: Cloud): Promise<FastifyInstance> {
  const app = await buildApp({
    dataDir: cloud.dataDir,
    admin: { ...ROOT },
    argon2: { memoryCost: 8, timeCost: 1, parallelism: 1 },
    loginRateLimit: { max: 10_000, timeWindowMs: 60_000 },
  });
  await app.listen({ host: '127.0.0.1', port: Number(new URL(cloud.url).port) });
  t.after(() => app.close());
  assert.equal((app.server.address() as AddressInfo).port, Number(new URL(cloud.url).port));
  return app;
}

describe('job outbox against the real cloud server', () => {
  it('registers a local job with its location on the MFP port and the certificate pin', async (t) => {
    const cloud = await startCloud(t);
    const desk = await startDesk(t, cloud);
    const unowned = await desk.capture('before-login.pdf'); // given to the user at login, then registered
    await desk.spooler.session?.login('user-a', PASSWORD);
    const job = await desk.capture('local.pdf');
    await settle(() => desk.steps.filter((s) => s.step === 'registered').length === 2, 'two registrations');

    const listed = await serverJobs(cloud.app);
    assert.equal(listed.length, 2);
    const deviceId = desk.spooler.session?.state().deviceId;
    for (const local of [unowned, job]) {
      const server = listed.find((j) => j.clientJobId === local.id);
      assert.ok(server, `job ${local.id} is registered`);
      assert.equal(server.spool, 'local');
      assert.equal(server.state, 'ready');
      assert.equal(server.desktopId, deviceId);
      assert.equal(server.name, local.name);
      assert.equal(server.pages, 2);
      assert.equal(server.size, local.size);
      assert.equal(server.sha256, local.sha256);
      // Durable confirmation in the record; the document stays here.
      const record = desk.spooler.store.getRecord(local.id);
      assert.equal(record?.server?.jobId, server.id);
      assert.equal(record?.server?.spool, 'local');
      assert.equal(sha256(documentOf(desk, local.id)), local.sha256);
    }
    assert.deepEqual(desk.spooler.outbox?.pending(), []);

    // What an MFP is told: the desktop's announced address on the MFP port, and the certificate pin.
    const mfp = await mfpOf(cloud);
    const release = await mfp.jobs();
    const entry = release.find((e) => e.job.clientJobId === job.id);
    assert.ok(entry);
    const url = new URL(entry.fetch.url);
    assert.equal(url.protocol, 'https:');
    assert.ok(desk.spooler.mfp.hosts().includes(url.host), `${url.host} is announced`);
    assert.equal(Number(url.port), desk.spooler.mfp.port);
    assert.equal(url.pathname, `/v1/jobs/${job.id}/document`);
    assert.equal(entry.fetch.certSha256, desk.spooler.mfp.certSha256);
    assert.ok(entry.fetch.ticket);
  });

  it('uploads a cloud job byte-identical, and deletes the local copy only after the server holds it', async (t) => {
    const cloud = await startCloud(t);
    await setSpooling(cloud, 'cloud');
    const removedWithBlob: boolean[] = [];
    const desk = await startDesk(t, cloud);
    const lastRegistration = new Map<string, string>();
    desk.spooler.store.on('removed', (id) => {
      const serverId = lastRegistration.get(id);
      removedWithBlob.push(serverId !== undefined && existsSync(blobPath(cloud, serverId)));
    });
    desk.spooler.store.on('changed', (job) => {
      const serverId = desk.spooler.store.getRecord(job.id)?.server?.jobId;
      if (serverId) lastRegistration.set(job.id, serverId);
    });
    await desk.spooler.session?.login('user-a', PASSWORD);
    assert.equal(desk.spooler.session?.state().spoolingMode, 'cloud');
    const job = await desk.capture('cloud.pdf');
    const bytes = documentOf(desk, job.id);
    await settle(() => desk.steps.some((s) => s.step === 'uploaded'), 'the upload');
    assert.equal(desk.spooler.store.get(job.id), undefined);

    const [server] = await serverJobs(cloud.app);
    assert.ok(server);
    assert.equal(server.clientJobId, job.id);
    assert.equal(server.spool, 'cloud');
    assert.equal(server.state, 'ready');
    const blob = readFileSync(blobPath(cloud, server.id));
    assert.ok(blob.equals(bytes), 'the server holds the very bytes');
    assert.deepEqual(removedWithBlob, [true]);
    assert.deepEqual(
      desk.steps.map((s) => s.step),
      ['registered', 'uploaded'],
    );
    assert.equal(existsSync(join(desk.dataDir, 'spool', `${job.id}.pdf`)), false);
  });

  it('retries while the server is down and delivers exactly once when it is back', async (t) => {
    const cloud = await startCloud(t);
    await setSpooling(cloud, 'cloud');
    const desk = await startDesk(t, cloud);
    await desk.spooler.session?.login('user-a', PASSWORD);
    await cloud.app.close();

    const job = await desk.capture('while-down.pdf');
    const bytes = documentOf(desk, job.id);
    await settle(() => desk.steps.filter((s) => s.step === 'retry').length >= 3, 'three retries');
    assert.equal(desk.spooler.store.get(job.id)?.state, 'held', 'still here, still waiting');
    assert.deepEqual(desk.spooler.outbox?.pending(), [job.id]);

    const app = await restartServer(t, cloud);
    await settle(() => desk.steps.some((s) => s.step === 'uploaded'), 'the upload after the restart');
    assert.equal(desk.spooler.store.get(job.id), undefined);
    const listed = await serverJobs(app);
    assert.equal(listed.filter((j) => j.clientJobId === job.id).length, 1);
    const [server] = listed;
    assert.equal(server?.state, 'ready');
    assert.ok(readFileSync(blobPath(cloud, server.id)).equals(bytes));
    assert.equal(desk.steps.filter((s) => s.step === 'registered').length, 1);
    assert.equal(desk.steps.filter((s) => s.step === 'uploaded').length, 1);
  });

  it('resumes after a restart of the spooler between registration and upload, without a duplicate', async (t) => {
    const cloud = await startCloud(t);
    await setSpooling(cloud, 'cloud');
    const dataDir = tempDir(t, 'cps-desk-');
    const secrets = createMemorySecretStore();
    // The first run "dies" right after the registration is recorded (and would retry only in an hour).
    const first = await startDesk(t, cloud, {
      dataDir,
      secrets,
      initialBackoffMs: 3600_000,
      onStep: (step) => {
        if (step === 'registered') throw new Error('simulated crash');
      },
    });
    await first.spooler.session?.login('user-a', PASSWORD);
    const job = await first.capture('restart.pdf');
    const bytes = documentOf(first, job.id);
    await settle(() => first.steps.some((s) => s.step === 'retry'), 'the interrupted attempt');
    const registered = first.spooler.store.getRecord(job.id)?.server;
    assert.equal(registered?.spool, 'cloud');
    assert.equal(first.spooler.store.get(job.id)?.spool, 'cloud');
    assert.equal((await serverJobs(cloud.app))[0]?.state, 'awaiting_upload');
    await first.spooler.stop();

    // The second run resumes the kept session and goes straight to the upload.
    const second = await startDesk(t, cloud, { dataDir, secrets });
    assert.equal(second.spooler.session?.state().loggedIn, true);
    await settle(() => second.steps.some((s) => s.step === 'uploaded'), 'the upload after the restart');
    assert.equal(second.spooler.store.get(job.id), undefined);
    assert.deepEqual(
      second.steps.map((s) => s.step),
      ['uploaded'],
    );
    const listed = await serverJobs(cloud.app);
    assert.equal(listed.length, 1);
    assert.equal(listed[0]?.id, registered?.jobId);
    assert.equal(listed[0]?.state, 'ready');
    assert.ok(readFileSync(blobPath(cloud, registered.jobId)).equals(bytes));
  });

  it('marks a local job printed once an MFP reported it printed at the server', async (t) => {
    const cloud = await startCloud(t);
    const desk = await startDesk(t, cloud);
    await desk.spooler.session?.login('user-a', PASSWORD);
    const job = await desk.capture('to-print.pdf');
    const other = await desk.capture('stays.pdf');
    await settle(() => desk.steps.filter((s) => s.step === 'registered').length === 2, 'registrations');

    const mfp = await mfpOf(cloud);
    const entry = (await mfp.jobs()).find((e) => e.job.clientJobId === job.id);
    assert.ok(entry);
    await mfp.printed(entry.job.id);
    await settle(() => desk.spooler.store.get(job.id)?.state === 'printed', 'the job to be printed');
    assert.equal(desk.spooler.store.get(other.id)?.state, 'held');
    assert.deepEqual(
      desk.steps.filter((s) => s.step === 'printed').map((s) => s.job),
      [job.id],
    );
  });

  it('marks a local job canceled once its owner canceled it at the server; retention then removes it', async (t) => {
    const cloud = await startCloud(t);
    // Canceled jobs are kept 0.18 s here, so that a sweep right after shows retention taking them.
    const desk = await startDesk(t, cloud, { extraArgs: ['--retention-done-hours', '0.00005'] });
    await desk.spooler.session?.login('user-a', PASSWORD);
    const job = await desk.capture('to-cancel.pdf');
    const other = await desk.capture('stays.pdf');
    await settle(() => desk.steps.filter((s) => s.step === 'registered').length === 2, 'registrations');

    const serverId = desk.spooler.store.getRecord(job.id)?.server?.jobId;
    assert.ok(serverId);
    await cancelAtServer(cloud, serverId);
    await settle(() => desk.spooler.store.get(job.id)?.state === 'canceled', 'the job to be canceled');
    assert.equal(desk.spooler.store.get(other.id)?.state, 'held');
    assert.deepEqual(
      desk.steps.filter((s) => s.step === 'canceled').map((s) => s.job),
      [job.id],
    );
    assert.deepEqual(desk.spooler.outbox?.pending(), []);
    // Later polls leave it alone (one step, one state change).
    assert.deepEqual(await desk.spooler.outbox?.poll(), { printed: 0, canceled: 0 });

    await settle(async () => (await desk.spooler.sweep()) === 1, 'retention to remove the canceled job');
    assert.equal(desk.spooler.store.get(job.id), undefined);
    assert.equal(desk.spooler.store.get(other.id)?.state, 'held');
  });

  it('marks a cloud job canceled at the server before its upload canceled, and uploads nothing', async (t) => {
    const cloud = await startCloud(t);
    await setSpooling(cloud, 'cloud');
    // The owner cancels between the registration and the upload: the upload is refused (409) and the job
    // fails here, until the poll learns it was canceled.
    const desk = await startDesk(t, cloud, {
      onStep: async (step, id) => {
        const serverId = desk.spooler.store.getRecord(id)?.server?.jobId;
        if (step === 'registered' && serverId) await cancelAtServer(cloud, serverId);
      },
    });
    await desk.spooler.session?.login('user-a', PASSWORD);
    const job = await desk.capture('cloud-cancel.pdf');
    await settle(() => desk.spooler.store.get(job.id)?.state === 'canceled', 'the job to be canceled');

    const steps = desk.steps.map((s) => s.step);
    assert.equal(steps[0], 'registered');
    assert.equal(steps.at(-1), 'canceled');
    assert.ok(!steps.includes('uploaded'), `nothing was uploaded: ${steps.join(', ')}`);
    const [server] = await serverJobs(cloud.app);
    assert.equal(server?.state, 'canceled');
    assert.equal(existsSync(blobPath(cloud, server.id)), false);
    assert.deepEqual(desk.spooler.outbox?.pending(), []);
    // The document stays until retention removes the canceled job (as after a cancel on this desktop).
    assert.equal(sha256(documentOf(desk, job.id)), job.sha256);
  });

  it('marks a job failed when the server refuses it (4xx), without retrying it', async (t) => {
    const cloud = await startCloud(t);
    const desk = await startDesk(t, cloud);
    await desk.spooler.session?.login('user-a', PASSWORD); // registers the desktop
    await desk.spooler.session?.logout();
    const job = await desk.capture('conflict.pdf'); // nobody logged in: not in the outbox yet
    // Another document under the same job id of this desktop at the server: the registration answers 409.
    const deviceToken = (await desk.secrets.get(DEVICE_TOKEN_KEY)) as string;
    const taken = await cloud.app.inject({
      method: 'POST',
      url: '/api/v1/jobs',
      headers: { authorization: `Bearer ${await userToken(cloud.app)}`, 'cps-device': deviceToken },
      payload: {
        clientJobId: job.id,
        spool: 'local',
        name: 'other.pdf',
        pages: 1,
        size: 10,
        sha256: 'f'.repeat(64),
        options: job.options,
        location: 'https://192.0.2.7:5571',
      },
    });
    assert.equal(taken.statusCode, 201, taken.body);
    await desk.spooler.session?.login('user-a', PASSWORD); // the job becomes the user's and is sent
    await settle(() => desk.spooler.store.get(job.id)?.state === 'failed', 'the job to fail');
    assert.match(desk.spooler.store.getRecord(job.id)?.reason ?? '', /409.*another document/);
    assert.equal(desk.spooler.store.getRecord(job.id)?.server, undefined);
    assert.deepEqual(
      desk.steps.map((s) => s.step),
      ['failed'],
    );
    assert.deepEqual(desk.spooler.outbox?.pending(), []);
  });
});

/** The owner cancels one of her jobs at the server (POST /api/v1/jobs/:id/cancel). */
async function cancelAtServer(cloud: Cloud, serverJobId: string): Promise<void> {
  const res = await cloud.app.inject({
    method: 'POST',
    url: `/api/v1/jobs/${serverJobId}/cancel`,
    headers: { authorization: `Bearer ${await userToken(cloud.app)}` },
  });
  assert.equal(res.statusCode, 200, res.body);
}

/** An MFP of customer A with user-a logged in at it. */
async function mfpOf(cloud: Cloud) {
  const device = await cloud.app.inject({
    method: 'POST',
    url: '/api/v1/devices',
    headers: { authorization: `Bearer ${cloud.adminToken}` },
    payload: { kind: 'mfp', serialNumber: 'SN-1', hostName: 'mfp-1.example.local', ipAddress: '192.0.2.10' },
  });
  assert.equal(device.statusCode, 201, device.body);
  const deviceToken = (device.json() as { token: string }).token;
  const login = await cloud.app.inject({
    method: 'POST',
    url: '/api/v1/mfp/login',
    headers: { authorization: `Device ${deviceToken}` },
    payload: { method: 'password', username: 'user-a', password: PASSWORD },
  });
  assert.equal(login.statusCode, 200, login.body);
  const headers = {
    authorization: `Device ${deviceToken}`,
    'cps-mfp-session': (login.json() as { token: string }).token,
  };
  return {
    async jobs() {
      const res = await cloud.app.inject({ url: '/api/v1/mfp/jobs', headers });
      assert.equal(res.statusCode, 200, res.body);
      return (
        res.json() as {
          jobs: Array<{
            job: ServerJob;
            fetch: { url: string; ticket?: string; certSha256?: string | null };
          }>;
        }
      ).jobs;
    },
    async printed(serverJobId: string) {
      const res = await cloud.app.inject({
        method: 'POST',
        url: `/api/v1/mfp/jobs/${serverJobId}/printed`,
        headers,
        payload: { pages: 2, color: false, duplex: false },
      });
      assert.equal(res.statusCode, 200, res.body);
    },
  };
}
