// Crash safety of the cloud upload (design flow 2; issue: "Killing the spooler or the server during uploads
// loses nothing and creates no duplicate (test with kill -9 of each, at least 20 times)").
//
// Real processes: the cloud server (`npm run server` as a child, own data dir, restarted on the same port) and
// the headless spooler (a child with --server-url). A customer whose policy spools in the cloud, a user logged
// in on the desktop through the control API. The session survives spooler restarts through a real Secret
// Service (gnome-keyring on a private D-Bus, test/helpers/keyring.ts): the spooler restores it at start, and
// the test asserts it never had to log in again. Without a keyring (outside CI), or with
// CPS_CRASH_KEYCHAIN=memory, the spooler keeps its secrets in memory only: the test then logs in again through
// the control API after each restart, and the desktop registers itself as a new device each time (which must
// not duplicate a job whose registration reached the server just before the kill).
//
// The test keeps a few jobs of varied sizes (a few KB to several MB) waiting in the spool and kills the spooler
// or the server with SIGKILL: while a body is arriving at the server (a temp file in its blob folder), within
// a few ms of a document being committed (the blob renamed into place: the server is updating its record and
// answering, the spooler is about to delete its copy), or at a random moment. After each restart every job the
// spooler acknowledged (201) is in the spool or on the server, nothing is duplicated, nothing is damaged. At the
// end, once everything settled: every acknowledged job is on the server exactly once (by job id, SHA-256 and
// name), each document downloads through the MFP route byte for byte, the spool is empty, the blob folder holds
// exactly the ready jobs' documents and no temp file, and the server's database passes its integrity check.
// Reproduce a run with CPS_CRASH_SEED=<seed printed in the summary>. About 60-70 s on 2 (busy) cores.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import type { Job } from '../../main/spool/job.js';
import { DATABASE_FILE } from '../../server-stub/src/db/database.js';
import { random as seededRandom } from '../main/capture/fuzz-requests.js';
import { killChild, listAllJobs, uploadDocument } from '../helpers/control-client.js';
import { callJson } from '../helpers/json-call.js';
import { tryStartKeyring } from '../helpers/keyring.js';
import { makePdf, sha256 } from '../helpers/pdf.js';
import { startServerProcess } from '../helpers/server-process.js';
import type { ServerProcess } from '../helpers/server-process.js';
import { SPOOL_FILE, damagedEntries, spoolEntries } from '../helpers/spool-files.js';
import { startSpoolerProcess } from '../helpers/spooler-process.js';
import type { SpoolerProcess } from '../helpers/spooler-process.js';
import { tempDir } from '../helpers/temp-dir.js';
import { createMfpSimulator, registerMfp } from '../mfp-simulator/mfp-simulator.js';

const KILLS = { spooler: 20, server: 20 };
/** Jobs kept waiting in the spool while kills land (uploads go one at a time, oldest first). */
const BACKLOG = 3;
const ROOT_ADMIN = { username: 'root-admin', password: 'Root-Passw0rd!' };
const PASSWORD = 'Tenant-Passw0rd!';
const USER = 'carol';
const TEMP_BLOB = /^\.upload-/;
const BLOB = /^[0-9a-f-]{36}\.pdf$/;

type Target = keyof typeof KILLS;
type KillMode = 'body' | 'commit' | 'random';
/** Each process's kills go round these modes (from a random start), so every mode lands on each. */
const MODES: readonly KillMode[] = ['body', 'commit', 'body', 'random'];
/** What makes keytar fail at once in memory mode, even where the developer's own session bus is set. */
const NO_BUS = { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/cps-crash-test-bus' };

/** A document the test sent to the spooler; `jobId` once the spooler acknowledged it (201). */
interface Sent {
  name: string;
  sha256: string;
  size: number;
  jobId: string | null;
}

/** A job as the server lists it to its owner. */
interface ServerJob {
  id: string;
  clientJobId: string;
  spool: string;
  state: string;
  name: string;
  size: number;
  sha256: string;
}

/** One life of the killed process, from arming to the SIGKILL. */
interface Round {
  target: Target;
  mode: KillMode;
  stop: boolean;
  killed: boolean;
}

/** Sizes: every fifth document 2-6 MB (kills land mid-body), two in five 0.2-1.5 MB, the rest a few KB. */
function padFor(i: number, random: () => number): number {
  const between = (lo: number, hi: number) => Math.round(lo + random() * (hi - lo));
  if (i % 5 === 0) return between(2 << 20, 6 << 20);
  if (i % 5 < 3) return between(200 << 10, 1536 << 10);
  return between(2 << 10, 60 << 10);
}

describe('cloud upload under kill -9 of the spooler and of the server', () => {
  it(
    `loses no acknowledged job and duplicates none across ${KILLS.spooler} spooler and ${KILLS.server} server kills`,
    { timeout: 600_000 },
    async (t) => {
      // Registered first, so that it runs before the keyring and the folders go (after hooks run in order).
      const live: { server?: ServerProcess; spooler?: SpoolerProcess } = {};
      t.after(async () => {
        if (live.spooler) await killChild(live.spooler.child, live.spooler.exited);
        await live.server?.stop();
      });
      const ring = process.env.CPS_CRASH_KEYCHAIN === 'memory' ? null : await tryStartKeyring(t);
      if (ring instanceof Error) {
        if (process.env.CI) throw new Error(`${ring.message}. CI must provide it: see .ci/run`);
        t.diagnostic(`${ring.message}: secrets in memory, a login after each spooler restart`);
      }
      const keyring = ring instanceof Error ? null : ring;
      const seed = Number(process.env.CPS_CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31));
      const random = seededRandom(seed);
      const pick = (n: number) => Math.floor(random() * n);
      const dir = tempDir(t, 'cps-cloud-crash-');
      const serverDir = join(dir, 'server');
      const blobsDir = join(serverDir, 'blobs');
      const desktopDir = join(dir, 'desktop');

      const stats = {
        kills: { spooler: 0, server: 0 },
        midBody: { spooler: 0, server: 0 },
        atCommit: { spooler: 0, server: 0 },
        modes: { body: 0, commit: 0, random: 0 },
        /** After a spooler restart: jobs still in the spool that the server already held whole. */
        confirmedNotDeleted: 0,
        submitted: 0,
        acknowledged: 0,
        unanswered: 0,
        onServerWithoutAnswer: 0,
        relogins: 0,
        downloaded: 0,
        /** Where the time went (diagnostics only, never asserted). */
        ms: { armed: 0, serverStart: 0, spoolerStart: 0, checks: 0, progress: 0 },
      };
      const where = () =>
        `(seed ${seed}, after ${stats.kills.spooler} spooler and ${stats.kills.server} server kills)`;
      const sent = new Map<string, Sent>();

      // ---- the processes ---------------------------------------------------------------------------------
      const startServer = async (options: { port?: number; admin?: typeof ROOT_ADMIN }) =>
        (live.server = await startServerProcess(serverDir, options));
      let server = await startServer({ admin: ROOT_ADMIN });
      const serverPort = Number(new URL(server.url).port);
      const startSpooler = async () =>
        (live.spooler = await startSpoolerProcess(
          desktopDir,
          ['--hot-folder', 'off', '--server-url', server.url],
          keyring?.env ?? NO_BUS,
        ));

      async function api<T>(method: string, path: string, token: string | null, body?: unknown): Promise<T> {
        const res = await callJson(new URL(path, server.url), method, token, body);
        assert.ok(res.status < 300, `${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
        return res.body as T;
      }
      const serverLogin = async (username: string, password: string) =>
        (await api<{ token: string }>('POST', '/api/v1/auth/login', null, { username, password })).token;

      // A customer spooling in the cloud, its admin and one user.
      const root = await serverLogin(ROOT_ADMIN.username, ROOT_ADMIN.password);
      const customer = await api<{ id: string }>('POST', '/api/v1/organizations', root, {
        kind: 'customer',
        name: 'Cloud Crash Ltd',
        // Without a keychain each spooler restart registers the desktop as a new device (see the report).
        maxDevices: 100,
      });
      await api('POST', `/api/v1/organizations/${customer.id}/admins`, root, {
        username: 'crash-admin',
        password: PASSWORD,
      });
      const adminToken = await serverLogin('crash-admin', PASSWORD);
      await api('PATCH', `/api/v1/organizations/${customer.id}/policy`, adminToken, {
        spoolingMode: 'cloud',
      });
      await api('POST', '/api/v1/users', adminToken, {
        username: USER,
        password: PASSWORD,
        role: 'customer_user',
      });
      const userToken = await serverLogin(USER, PASSWORD);

      async function serverJobs(): Promise<ServerJob[]> {
        return (await api<{ jobs: ServerJob[] }>('GET', '/api/v1/jobs', userToken)).jobs;
      }
      const blobEntries = () => readdirSync(blobsDir);
      const tempBlobs = () => blobEntries().filter((n) => TEMP_BLOB.test(n));

      async function spoolJobs(sp: SpoolerProcess): Promise<Job[]> {
        return (await listAllJobs(sp.port, sp.token)).jobs;
      }

      /** Logged in after a (re)start: restored from the keychain, else a new login through the control API. */
      async function ensureLoggedIn(sp: SpoolerProcess, first: boolean): Promise<void> {
        const control = `http://127.0.0.1:${sp.port}/v1/session`;
        const state = await callJson(control, 'GET', sp.token);
        assert.equal(state.status, 200, JSON.stringify(state.body));
        if (state.body.loggedIn === true) return;
        if (!first) stats.relogins++;
        const login = await callJson(`${control}/login`, 'POST', sp.token, {
          username: USER,
          password: PASSWORD,
        });
        assert.equal(login.status, 200, JSON.stringify(login.body));
        assert.equal(login.body.spoolingMode, 'cloud');
      }

      /**
       * The invariants at any quiet moment: every acknowledged job is in the spool or on the server (the spool
       * is read first: a job leaves it only after the server holds it), no job is on the server twice, every
       * server job is a document the test sent, and the spool holds only whole jobs, none failed.
       */
      async function checkLedger(sp: SpoolerProcess): Promise<{ spool: Job[]; server: ServerJob[] }> {
        const spool = await spoolJobs(sp);
        const listed = await serverJobs();
        const onServer = new Map(listed.map((j) => [j.clientJobId, j]));
        assert.equal(onServer.size, listed.length, `no job id is registered twice ${where()}`);
        assert.equal(
          new Set(listed.map((j) => j.sha256)).size,
          listed.length,
          `no document twice ${where()}`,
        );
        for (const j of listed) {
          const doc = sent.get(j.sha256);
          assert.ok(doc, `server job ${j.id} is a document the test sent ${where()}`);
          assert.equal(j.name, doc.name, `server job ${j.id} keeps its name ${where()}`);
          assert.equal(j.size, doc.size, `server job ${j.id} keeps its size ${where()}`);
          assert.equal(j.spool, 'cloud', `server job ${j.id} is spooled in the cloud ${where()}`);
          assert.ok(
            ['awaiting_upload', 'ready'].includes(j.state),
            `server job ${j.id} is ${j.state} ${where()}`,
          );
          if (doc.jobId !== null)
            assert.equal(j.clientJobId, doc.jobId, `server job ${j.id} is job ${doc.jobId}`);
        }
        const inSpool = new Set(spool.map((j) => j.id));
        for (const doc of sent.values()) {
          if (doc.jobId === null) continue;
          assert.ok(
            inSpool.has(doc.jobId) || onServer.get(doc.jobId)?.state === 'ready',
            `acknowledged job ${doc.jobId} (${doc.name}) is in the spool or held by the server ${where()}`,
          );
        }
        for (const j of spool) {
          assert.ok(['held', 'uploading'].includes(j.state), `spool job ${j.id} is ${j.state} ${where()}`);
          assert.ok(sent.has(j.sha256), `spool job ${j.id} is a whole document the test sent ${where()}`);
        }
        return { spool, server: listed };
      }

      /**
       * The spool on disk after a restart: only job files and nothing moved to damaged/. The outbox is already
       * at work, so a record being rewritten (`.json.tmp`) may show; the end of the test checks for no file.
       */
      function checkSpoolFiles(): void {
        const files = spoolEntries(desktopDir);
        assert.deepEqual(
          files.filter((f) => !SPOOL_FILE.test(f) && !SPOOL_FILE.test(f.replace(/\.json\.tmp$/, '.json'))),
          [],
          `only job files in the spool ${where()}`,
        );
        assert.deepEqual(damagedEntries(desktopDir), [], `nothing was moved to damaged/ ${where()}`);
      }

      /** Keeps BACKLOG jobs waiting in the spool, each a new document; records every acknowledgement. */
      async function submitter(sp: SpoolerProcess, round: Round, problems: string[]): Promise<void> {
        while (!round.stop) {
          let waiting: number;
          try {
            waiting = (await spoolJobs(sp)).length;
          } catch (err) {
            if (!round.killed || round.target !== 'spooler')
              problems.push(`listing the spool: ${String(err)}`);
            return;
          }
          if (waiting >= BACKLOG) {
            await sleep(15);
            continue;
          }
          const i = stats.submitted++;
          const bytes = await makePdf(1 + (i % 3), {
            padBytes: padFor(i, random),
            title: `cloud crash ${i}`,
          });
          const doc: Sent = {
            name: `cloud-crash-${i}.pdf`,
            sha256: sha256(bytes),
            size: bytes.length,
            jobId: null,
          };
          sent.set(doc.sha256, doc);
          try {
            const res = await uploadDocument({
              port: sp.port,
              token: sp.token,
              body: bytes,
              rawName: doc.name,
            });
            if (res.status !== 201) {
              problems.push(`a submission was answered ${res.status}: ${res.body.toString('utf8')}`);
              continue;
            }
            const job = res.json<Job>();
            assert.equal(job.sha256, doc.sha256);
            assert.equal(job.name, doc.name);
            doc.jobId = job.id;
            stats.acknowledged++;
          } catch (err) {
            if (!round.killed || round.target !== 'spooler')
              problems.push(`a submission failed: ${String(err)}`);
            stats.unanswered++;
            return;
          }
        }
      }

      /**
       * Arms the kill of `round.target`: while a body is arriving at the server (a temp blob, then 0-30 ms),
       * 0-3 ms after a new blob was committed, or at a random moment; at the latest after 8 s.
       */
      function armKill(round: Round, proc: { child: SpoolerProcess['child'] }): Promise<void> {
        return new Promise((resolve) => {
          const known = new Set(blobEntries().filter((n) => BLOB.test(n)));
          let bodyAt: number | null = null;
          const timers: NodeJS.Timeout[] = [];
          const kill = () => {
            if (round.killed) return;
            round.killed = true;
            round.stop = true;
            for (const timer of timers) clearTimeout(timer);
            clearInterval(watch);
            if (tempBlobs().length > 0) stats.midBody[round.target]++;
            stats.kills[round.target]++;
            stats.modes[round.mode]++;
            proc.child.kill('SIGKILL');
            resolve();
          };
          const watch = setInterval(() => {
            const names = blobEntries();
            if (round.mode === 'body') {
              if (!names.some((n) => TEMP_BLOB.test(n))) bodyAt = null;
              else if (bodyAt === null) bodyAt = Date.now() + pick(30);
              else if (Date.now() >= bodyAt) kill();
            } else if (round.mode === 'commit' && names.some((n) => BLOB.test(n) && !known.has(n))) {
              stats.atCommit[round.target]++;
              clearInterval(watch);
              timers.push(setTimeout(kill, pick(4)));
            }
          }, 1);
          if (round.mode === 'random') timers.push(setTimeout(kill, 20 + pick(700)));
          timers.push(setTimeout(kill, 8000));
        });
      }

      /** Waits until the outbox made progress (a new committed blob) or has nothing left to send. */
      async function awaitProgress(sp: SpoolerProcess): Promise<void> {
        const known = new Set(blobEntries().filter((n) => BLOB.test(n)));
        for (const deadline = Date.now() + 30_000; Date.now() < deadline; await sleep(10)) {
          if (blobEntries().some((n) => BLOB.test(n) && !known.has(n))) return;
          if ((await spoolJobs(sp)).length === 0) return;
        }
        assert.fail(`the outbox made no progress within 30 s ${where()}`);
      }

      let spooler = await startSpooler();
      await ensureLoggedIn(spooler, true);

      // ---- the kills ---------------------------------------------------------------------------------------
      const left = { ...KILLS };
      const offset = { spooler: pick(MODES.length), server: pick(MODES.length) };
      let previous: Target | null = null;
      while (left.spooler + left.server > 0) {
        // Random order, at most two kills of one process in a row (the outbox's backoff grows while the
        // server keeps failing it).
        let target: Target = random() < left.spooler / (left.spooler + left.server) ? 'spooler' : 'server';
        if (left[target] === 0 || (target === previous && pick(2) === 0))
          target = target === 'spooler' ? 'server' : 'spooler';
        if (left[target] === 0) target = target === 'spooler' ? 'server' : 'spooler';
        previous = target;
        left[target]--;
        const round: Round = {
          target,
          mode: MODES[(KILLS[target] - left[target] + offset[target]) % MODES.length] as KillMode,
          stop: false,
          killed: false,
        };
        const problems: string[] = [];
        const sp = spooler;
        const worker = submitter(sp, round, problems);
        const victim: { child: SpoolerProcess['child']; exited: Promise<number | string> } =
          target === 'spooler' ? sp : server;
        let at = performance.now();
        const lap = (phase: keyof typeof stats.ms) => {
          stats.ms[phase] += Math.round(performance.now() - at);
          at = performance.now();
        };
        await armKill(round, victim);
        lap('armed');
        assert.equal(await victim.exited, 'SIGKILL', `the ${target} ran until it was killed ${where()}`);
        await worker;
        assert.deepEqual(problems, [], `requests before the kill went well ${where()}`);

        if (target === 'server') {
          server = await startServer({ port: serverPort });
          assert.equal(server.url, `http://127.0.0.1:${serverPort}`, 'the server is back at its address');
          assert.deepEqual(tempBlobs(), [], `the restarted server removed its partial uploads ${where()}`);
          lap('serverStart');
          await checkLedger(sp);
        } else {
          // The server drops the partial upload of a client that died (nothing else uploads meanwhile).
          for (const deadline = Date.now() + 5000; tempBlobs().length > 0; await sleep(5)) {
            assert.ok(Date.now() < deadline, `the server dropped the dead spooler's upload ${where()}`);
          }
          spooler = await startSpooler();
          lap('spoolerStart');
          checkSpoolFiles();
          await ensureLoggedIn(spooler, false);
          const { spool, server: listed } = await checkLedger(spooler);
          const ready = new Set(listed.filter((j) => j.state === 'ready').map((j) => j.clientJobId));
          stats.confirmedNotDeleted += spool.filter((j) => ready.has(j.id)).length;
        }
        lap('checks');
        await awaitProgress(spooler);
        lap('progress');
      }

      // ---- after everything settled ------------------------------------------------------------------------
      t.diagnostic(`after the kills: ${summarize(stats, seed, keyring ? 'keyring' : 'memory')}`);
      const sp = spooler;
      for (const deadline = Date.now() + 60_000; (await spoolJobs(sp)).length > 0; await sleep(50)) {
        assert.ok(Date.now() < deadline, `the spool empties once the server is reachable ${where()}`);
      }
      const { server: listed } = await checkLedger(sp);
      // A removal unlinks the files just after the job left the list: wait for them.
      for (const deadline = Date.now() + 5000; spoolEntries(desktopDir).length > 0; await sleep(20)) {
        if (Date.now() > deadline) break;
      }
      assert.deepEqual(spoolEntries(desktopDir), [], 'no job is left in the local spool once confirmed');
      assert.deepEqual(damagedEntries(desktopDir), [], 'nothing was moved to damaged/');

      const acked = [...sent.values()].filter((d) => d.jobId !== null);
      const byJobId = new Map(listed.map((j) => [j.clientJobId, j]));
      for (const doc of acked) {
        const job = byJobId.get(doc.jobId as string);
        assert.ok(job, `acknowledged job ${doc.jobId} is on the server ${where()}`);
        assert.equal(job.state, 'ready', `acknowledged job ${doc.jobId} is ready ${where()}`);
        assert.equal(job.sha256, doc.sha256);
        assert.equal(job.name, doc.name);
      }
      for (const job of listed)
        assert.equal(job.state, 'ready', `server job ${job.id} is ready, not ${job.state}`);
      stats.onServerWithoutAnswer = listed.length - acked.length;
      assert.ok(
        stats.onServerWithoutAnswer <= stats.unanswered,
        `${stats.onServerWithoutAnswer} jobs without an answer on the server, ${stats.unanswered} unanswered`,
      );

      // The blob folder holds exactly the ready jobs' documents; nothing temporary is left behind.
      assert.deepEqual(
        blobEntries().sort(),
        listed.map((j) => `${j.id}.pdf`).sort(),
        'the blob folder holds exactly the documents of the listed jobs, and no temp file',
      );

      // Each document through the MFP route, byte for byte.
      const device = await registerMfp(server.url, adminToken, {
        serialNumber: 'CRASH-1',
        hostName: 'mfp-crash',
        ipAddress: '127.0.0.1',
      });
      const mfp = createMfpSimulator({
        serverUrl: server.url,
        deviceToken: device.token,
        printerUri: 'ipp://unused',
      });
      const session = await mfp.login({ method: 'password', username: USER, password: PASSWORD });
      const releasable = await mfp.listJobs(session);
      assert.equal(releasable.length, listed.length, 'the MFP lists every job');
      for (const entry of releasable) {
        const bytes = await mfp.fetchDocument(entry, session);
        assert.equal(sha256(bytes), entry.job.sha256, `the document of ${entry.job.id} downloads intact`);
        stats.downloaded++;
      }
      await mfp.logout(session);

      // Clean stops, then the server's database passes its integrity check.
      sp.child.kill('SIGTERM');
      assert.equal(await sp.exited, 0, 'the spooler stops cleanly after all the kills');
      await server.stop();
      const db = new Database(join(serverDir, DATABASE_FILE), { readonly: true });
      try {
        assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
      } finally {
        db.close();
      }

      const summary = summarize(stats, seed, keyring ? 'keyring' : 'memory');
      t.diagnostic(summary);
      // The run must have exercised what it claims: kills while bodies were arriving, at commits, real traffic.
      for (const target of ['spooler', 'server'] as const) {
        assert.ok(stats.kills[target] >= KILLS[target], `${target} killed enough: ${summary}`);
        assert.ok(stats.midBody[target] >= 5, `enough ${target} kills landed mid-body: ${summary}`);
        assert.ok(stats.atCommit[target] >= 2, `enough ${target} kills landed at a commit: ${summary}`);
      }
      assert.ok(stats.acknowledged >= 40, `enough jobs were acknowledged: ${summary}`);
      if (keyring) assert.equal(stats.relogins, 0, `the session survived every spooler restart: ${summary}`);
      else assert.equal(stats.relogins, stats.kills.spooler, `a login after each restart: ${summary}`);
    },
  );
});

function summarize(s: Record<string, unknown>, seed: number, keychain: string): string {
  return `cloud upload crash (${keychain}): ${JSON.stringify(s)}, seed ${seed}`;
}
