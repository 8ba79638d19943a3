// The whole pull-printing loop of the whitepaper between real processes (design flows 2, 3 and 5): the cloud
// server, the headless spooler, a private cupsd with a queue to our virtual printer, ippeveprinter as the
// MFP's printer, and the MFP simulator. A user logs in on the desktop (control API), `lp` prints a 3-page PDF,
// the MFP simulator logs the user in by PIN, fetches the job (from the desktop's 5571 with the server's
// ticket, or from the server for cloud spool), prints it on ippeveprinter and reports the pages; the test
// follows the bytes and the pages to the printer, the job log and the usage report, and the job out of the
// spool. Then an ID card registered at the MFP logs the user in, and the refusals: another user's PIN sees
// nothing, a forged ticket gets 401 from 5571, and three wrong PINs lock the user.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { cupsdUnavailable, startCupsd } from '../helpers/cupsd.js';
import type { Cupsd } from '../helpers/cupsd.js';
import { startIppEvePrinter } from '../helpers/ippeveprinter.js';
import type { IppEvePrinter } from '../helpers/ippeveprinter.js';
import { callJson } from '../helpers/json-call.js';
import { mfpRequest } from '../helpers/mfp-client.js';
import { makePdf, sha256 } from '../helpers/pdf.js';
import { startServerProcess } from '../helpers/server-process.js';
import type { ServerProcess } from '../helpers/server-process.js';
import { startSpoolerProcess } from '../helpers/spooler-process.js';
import type { SpoolerProcess } from '../helpers/spooler-process.js';
import { createMfpSimulator, registerMfp } from '../mfp-simulator/mfp-simulator.js';
import type { ListedJob } from '../mfp-simulator/mfp-simulator.js';

const ROOT_ADMIN = { username: 'root-admin', password: 'Root-Passw0rd!' };
const PASSWORD = 'Tenant-Passw0rd!';
const PINS = { alice: '4711', bob: '8150' };

/** A spool job as the control API lists it. */
interface SpoolJob {
  id: string;
  name: string;
  owner: string;
  pages: number;
  sha256: string;
  state: string;
  spool: string;
}

/** Polls `probe` until it returns something other than undefined (every 100 ms, at most `ms`). */
async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

const skip = cupsdUnavailable();

describe(
  'pull printing end to end (server, spooler, cupsd, ippeveprinter, MFP simulator)',
  { skip: skip ?? false },
  () => {
    let dir: string;
    let server: ServerProcess;
    let spooler: SpoolerProcess;
    let cups: Cupsd;
    let printer: IppEvePrinter;
    const ids = { customer: '', alice: '', bob: '' };
    let adminToken = '';
    let mfp: ReturnType<typeof createMfpSimulator>;

    /** A call to the cloud server; asserts a 2xx answer. */
    async function api<T>(method: string, path: string, token: string | null, body?: unknown): Promise<T> {
      const res = await callJson(new URL(path, server.url), method, token, body);
      assert.ok(res.status < 300, `${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body as T;
    }
    const serverLogin = async (username: string, password: string) =>
      (await api<{ token: string }>('POST', '/api/v1/auth/login', null, { username, password })).token;

    /** A call to the spooler's control API (127.0.0.1, per-launch secret). */
    const control = (method: string, path: string, body?: unknown) =>
      callJson(`http://127.0.0.1:${spooler.port}${path}`, method, spooler.token, body);
    async function spoolJobs(): Promise<SpoolJob[]> {
      const res = await control('GET', '/v1/jobs');
      assert.equal(res.status, 200);
      return res.body.jobs as SpoolJob[];
    }
    async function desktopLogin(username: string): Promise<void> {
      const res = await control('POST', '/v1/session/login', { username, password: PASSWORD });
      assert.equal(res.status, 200, JSON.stringify(res.body));
    }

    /** Prints `pdf` with `lp` on a queue of the private cupsd (job name `title`). */
    async function lp(queue: string, title: string, pdf: Buffer): Promise<void> {
      const file = join(dir, `${title}.pdf`);
      writeFileSync(file, pdf);
      await cups.check('lp', ['-d', queue, '-t', title, file]);
    }

    /** The MFP's list for a PIN login, with the session (logged out by the caller). */
    async function listAtMfp(user: 'alice' | 'bob'): Promise<{ session: string; jobs: ListedJob[] }> {
      const session = await mfp.login({ method: 'pin', username: user, pin: PINS[user] });
      return { session, jobs: await mfp.listJobs(session) };
    }

    async function usagePages(): Promise<Record<string, number>> {
      const report = await api<{ rows: { label: string; pages: number }[] }>(
        'GET',
        '/api/v1/reports/usage?by=user',
        adminToken,
      );
      return Object.fromEntries(report.rows.map((r) => [r.label, r.pages]));
    }

    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'cps-e2e-pull-'));
      printer = await startIppEvePrinter(join(dir, 'printer'));
      server = await startServerProcess(join(dir, 'server'), { admin: ROOT_ADMIN });
      spooler = await startSpoolerProcess(join(dir, 'desktop'), [
        ...['--hot-folder', 'off', '--server-url', server.url],
        // Printed jobs learned within a second and removed at the next sweep, so the test sees them go.
        ...[
          '--server-poll-seconds',
          '0.5',
          '--retention-done-hours',
          '0.0001',
          '--sweep-interval-minutes',
          '0.01',
        ],
      ]);
      cups = await startCupsd();
      // The driverless queue (what a user adds) and a raw one (the PDF byte for byte).
      await cups.addQueue('CPS', `ipp://localhost:${spooler.ippPort}/ipp/print`, 'everywhere');
      await cups.addQueue('CPSRAW', `ipp://localhost:${spooler.ippPort}/ipp/print`, 'raw');

      // The organization: a customer with its admin, two users with PINs, an MFP.
      const root = await serverLogin(ROOT_ADMIN.username, ROOT_ADMIN.password);
      ids.customer = (
        await api<{ id: string }>('POST', '/api/v1/organizations', root, { kind: 'customer', name: 'Acme' })
      ).id;
      await api('POST', `/api/v1/organizations/${ids.customer}/admins`, root, {
        username: 'acme-admin',
        password: PASSWORD,
      });
      adminToken = await serverLogin('acme-admin', PASSWORD);
      for (const name of ['alice', 'bob'] as const) {
        ids[name] = (
          await api<{ id: string }>('POST', '/api/v1/users', adminToken, {
            username: name,
            password: PASSWORD,
            role: 'customer_user',
          })
        ).id;
        await api('PUT', '/api/v1/me/pin', await serverLogin(name, PASSWORD), { pin: PINS[name] });
      }
      const device = await registerMfp(server.url, adminToken, {
        serialNumber: 'E2E-1',
        hostName: 'mfp-e2e',
        ipAddress: '127.0.0.1',
      });
      mfp = createMfpSimulator({ serverUrl: server.url, deviceToken: device.token, printerUri: printer.uri });
    });
    after(async () => {
      await cups?.stop();
      if (spooler) {
        spooler.child.kill('SIGTERM');
        await spooler.exited;
      }
      await server?.stop();
      await printer?.stop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('local spool: lp -> spool (owned by the logged-in user) -> 5571 -> MFP -> printer; 3 pages logged; the job leaves the spool', async () => {
      await desktopLogin('alice');
      const pdf = await makePdf(3, { title: 'e2e local' });
      await lp('CPS', 'e2e-local', pdf);
      const job = await waitFor('the job in the spool', async () =>
        (await spoolJobs()).find((j) => j.name === 'e2e-local'),
      );
      // `owner` is the account that printed (lp's user); the server user (alice) owns it for release.
      assert.equal(job.owner, userInfo().username);
      assert.equal(job.pages, 3);
      assert.equal(job.spool, 'local');
      const stored = Buffer.from(
        await (
          await fetch(`http://127.0.0.1:${spooler.port}/v1/jobs/${job.id}/document`, {
            headers: { authorization: `Bearer ${spooler.token}` },
          })
        ).arrayBuffer(),
      );
      assert.equal(sha256(stored), job.sha256);

      // The desktop registered it with the server (metadata and location only); alice sees it at the MFP.
      const listed = await waitFor('the job at the MFP', async () => {
        const { session, jobs } = await listAtMfp('alice');
        await mfp.logout(session);
        return jobs.length > 0 ? jobs : undefined;
      });
      assert.equal(listed.length, 1);
      assert.equal(listed[0]?.job.spool, 'local');
      assert.equal(listed[0]?.job.sha256, job.sha256);
      assert.match(
        listed[0]?.fetch.url ?? '',
        new RegExp(`^https://127\\.0\\.0\\.1:${spooler.mfpPort}/v1/jobs/`),
      );
      const blobsBefore = readdirSync(join(dir, 'server'), { recursive: true }).length;

      const session = await mfp.login({ method: 'pin', username: 'alice', pin: PINS.alice });
      const released = await mfp.releaseAll(session);
      await mfp.logout(session);
      assert.deepEqual(
        released.map((r) => [r.name, r.spool, r.pages, r.sha256]),
        [['e2e-local', 'local', 3, job.sha256]],
      );
      const printed = await printer.document('e2e-local');
      assert.equal(sha256(printed), sha256(stored), 'the printer got exactly the bytes in the spool');
      assert.equal(
        readdirSync(join(dir, 'server'), { recursive: true }).length,
        blobsBefore,
        'the server stored no document for a local job',
      );

      const log = await api<{ totals: { jobs: number; pages: number } }>(
        'GET',
        '/api/v1/me/log',
        await serverLogin('alice', PASSWORD),
      );
      assert.equal(log.totals.jobs, 1);
      assert.equal(log.totals.pages, 3);
      assert.equal((await usagePages()).alice, 3);

      // The desktop learns that it printed; retention then removes it from the spool.
      await waitFor('the printed job to leave the spool', async () =>
        (await spoolJobs()).some((j) => j.id === job.id) ? undefined : true,
      );
      assert.equal((await control('GET', `/v1/jobs/${job.id}`)).status, 404);
    });

    it('cloud spool: the policy says cloud, the PDF goes to the server and leaves the desktop, the MFP prints it from there', async () => {
      await api('PATCH', `/api/v1/organizations/${ids.customer}/policy`, adminToken, {
        spoolingMode: 'cloud',
      });
      // The desktop reads the effective policy at login (and while active, at its keep-alive every few minutes).
      assert.equal((await control('POST', '/v1/session/logout')).status, 204);
      await desktopLogin('alice');
      const pdf = await makePdf(3, { title: 'e2e cloud' });
      await lp('CPSRAW', 'e2e-cloud', pdf);

      // Uploaded, confirmed by the server, then removed from the desktop.
      const listed = await waitFor('the uploaded job at the MFP', async () => {
        const { session, jobs } = await listAtMfp('alice');
        await mfp.logout(session);
        return jobs.length > 0 ? jobs : undefined;
      });
      assert.equal(listed.length, 1);
      assert.equal(listed[0]?.job.spool, 'cloud');
      assert.equal(listed[0]?.job.sha256, sha256(pdf), 'a raw queue passes the PDF byte for byte');
      await waitFor('the uploaded job to leave the desktop', async () =>
        (await spoolJobs()).some((j) => j.name === 'e2e-cloud') ? undefined : true,
      );

      const session = await mfp.login({ method: 'pin', username: 'alice', pin: PINS.alice });
      const released = await mfp.releaseAll(session);
      assert.deepEqual(await mfp.listJobs(session), [], 'a printed job is listed no more');
      await mfp.logout(session);
      assert.deepEqual(
        released.map((r) => [r.name, r.spool, r.pages]),
        [['e2e-cloud', 'cloud', 3]],
      );
      assert.equal(sha256(await printer.document('e2e-cloud')), sha256(pdf));
      assert.equal((await usagePages()).alice, 6);
      const log = await api<{ totals: { jobs: number; pages: number } }>(
        'GET',
        '/api/v1/me/log',
        await serverLogin('alice', PASSWORD),
      );
      assert.deepEqual([log.totals.jobs, log.totals.pages], [2, 6]);
      // The server deletes a cloud document once it printed.
      const blobs = readdirSync(join(dir, 'server'), { recursive: true }).map(String);
      assert.ok(!blobs.some((f) => f.includes(released[0]?.jobId ?? '-')), blobs.join(', '));

      await api('PATCH', `/api/v1/organizations/${ids.customer}/policy`, adminToken, { spoolingMode: null });
      await control('POST', '/v1/session/logout');
      await desktopLogin('alice');
    });

    it('refusals: another user sees nothing, a forged ticket gets 401 from 5571, three wrong PINs lock the user', async () => {
      const pdf = await makePdf(3, { title: 'e2e held' });
      await lp('CPS', 'e2e-held', pdf);
      const aliceJobs = await waitFor('the held job at the MFP', async () => {
        const { session, jobs } = await listAtMfp('alice');
        await mfp.logout(session);
        return jobs.length > 0 ? jobs : undefined;
      });
      const held = aliceJobs[0] as ListedJob;

      // Alice registers her ID card at the MFP; the card alone then logs her in and shows her job.
      const pinSession = await mfp.login({ method: 'pin', username: 'alice', pin: PINS.alice });
      await mfp.registerCard(pinSession, '04A1B2C3D4');
      await mfp.logout(pinSession);
      const cardSession = await mfp.login({ method: 'card', cardId: '04A1B2C3D4' });
      assert.deepEqual(
        (await mfp.listJobs(cardSession)).map((j) => j.job.id),
        [held.job.id],
      );
      await mfp.logout(cardSession);
      assert.equal((await mfp.tryLogin({ method: 'card', cardId: '04A1B2C3D5' })).status, 401);

      // Bob's PIN: none of alice's jobs.
      const bob = await listAtMfp('bob');
      assert.deepEqual(bob.jobs, []);
      await mfp.logout(bob.session);

      // 5571: the server's ticket opens the document; a forged one (one signature byte changed) or none: 401.
      const url = new URL(held.fetch.url);
      const get = (ticket?: string) =>
        mfpRequest({
          hostname: url.hostname,
          port: Number(url.port),
          path: url.pathname,
          pin: held.fetch.certSha256 ?? null,
          ...(ticket !== undefined ? { ticket } : {}),
        });
      const ticket = held.fetch.ticket as string;
      assert.equal((await get(ticket)).status, 200);
      const last = ticket.at(-2) === 'A' ? 'B' : 'A';
      const forged = `${ticket.slice(0, -2)}${last}${ticket.slice(-1)}`;
      const refused = await get(forged);
      assert.equal(refused.status, 401, refused.body.toString());
      assert.equal((await get()).status, 401);

      // Three wrong PINs lock alice: then even the right PIN is refused (the same 401 as a wrong one).
      for (let i = 0; i < 3; i++) {
        assert.equal((await mfp.tryLogin({ method: 'pin', username: 'alice', pin: '0000' })).status, 401);
      }
      const locked = await mfp.tryLogin({ method: 'pin', username: 'alice', pin: PINS.alice });
      assert.equal(locked.status, 401, locked.body);
      const user = await api<{ lockedUntil: string | null }>('GET', `/api/v1/users/${ids.alice}`, adminToken);
      assert.ok(user.lockedUntil && Date.parse(user.lockedUntil) > Date.now(), JSON.stringify(user));
      // Bob is not affected.
      const bobAgain = await listAtMfp('bob');
      await mfp.logout(bobAgain.session);
    });
  },
);
