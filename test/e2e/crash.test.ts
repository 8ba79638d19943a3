// Crash safety of the spool (design.md, "Spool": an acknowledged job is never lost, not by a kill -9). A child
// spooler receives documents from concurrent uploaders (and a deleter keeps the spool small) while the test
// kills it with SIGKILL at random moments: mid-upload, right after a body was sent (the commit), or at idle.
// After every restart on the same data dir, every acknowledged job is listed and intact, no partial job is
// listed, no temp file is left and nothing was moved to damaged/.
// Reproduce a run with CPS_CRASH_SEED=<seed printed in the summary>.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Job } from '../../main/spool/job.js';
import { downloadDocument, killChild, listAllJobs, uploadDocument } from '../helpers/control-client.js';
import { send } from '../helpers/http.js';
import { makePdf, sha256 } from '../helpers/pdf.js';
import { SPOOL_FILE, damagedEntries, spoolEntries } from '../helpers/spool-files.js';
import { startSpoolerProcess } from '../helpers/spooler-process.js';
import type { SpoolerProcess } from '../helpers/spooler-process.js';
import { tempDir } from '../helpers/temp-dir.js';

const KILLS = 51;
const DOCUMENTS = 10;
const MIN_PAD = 3 * 1024;
const MAX_PAD = 2 * 1024 * 1024 - 8 * 1024;
/** Above this many jobs the oldest are deleted (also while kills land), so that each check stays cheap. */
const KEEP_JOBS = 24;

type KillMode = 'upload' | 'commit' | 'idle';

/** mulberry32: a small seeded PRNG, so that a failing run can be replayed. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The bytes in 64 KiB pieces, 2 ms apart. */
async function* trickle(bytes: Buffer): AsyncGenerator<Buffer> {
  for (let at = 0; at < bytes.length; at += 64 * 1024) {
    yield bytes.subarray(at, at + 64 * 1024);
    await sleep(2);
  }
}

interface Expected {
  sha256: string;
  size: number;
}

interface Doc extends Expected {
  bytes: Buffer;
}

/** What the test knows about the spool's content, from the answers it got. */
interface Ledger {
  /** Acknowledged (201) and not deleted: must be listed, intact. */
  present: Map<string, Expected>;
  /** A DELETE was sent but no answer came before the kill: either outcome is fine. */
  deleting: Map<string, Expected>;
  /** Deleted (204): must never be listed again. */
  deleted: Set<string>;
}

/** One life of the spooler, from its start to the SIGKILL. */
interface Round {
  stop: boolean;
  killed: boolean;
  uploadsInFlight: number;
  bodiesAwaitingAnswer: number;
  onBodySent: () => void;
}

interface Stats {
  kills: Record<KillMode, number>;
  killsDuringUploads: number;
  killsAfterBodySent: number;
  killsMidBody: number;
  acknowledged: number;
  listedWithoutAnswer: number;
  deleted: number;
  maxListed: number;
  listedAtEnd: number;
  documentsChecked: number;
}

describe('crash safety under kill -9', () => {
  const children: SpoolerProcess[] = [];
  after(async () => {
    for (const c of children) await killChild(c.child, c.exited);
  });

  it(
    'keeps every acknowledged job intact and lists nothing partial across 50+ kills at random moments',
    { timeout: 600_000 },
    async (t) => {
      const seed = Number(process.env.CPS_CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31));
      const random = seededRandom(seed);
      const pick = (n: number) => Math.floor(random() * n);
      const dataDir = tempDir(t, 'cps-crash-');

      const docs: Doc[] = [];
      for (let i = 0; i < DOCUMENTS; i++) {
        // Log-uniform sizes from a few KB to ~2 MB, with both ends always present.
        const pad =
          i === 0
            ? MIN_PAD
            : i === 1
              ? MAX_PAD
              : Math.round(Math.exp(Math.log(MIN_PAD) + random() * (Math.log(MAX_PAD) - Math.log(MIN_PAD))));
        const bytes = await makePdf(1 + (i % 3), { padBytes: pad, title: `crash ${i}` });
        docs.push({ bytes, sha256: sha256(bytes), size: bytes.length });
      }
      const sentShas = new Set(docs.map((d) => d.sha256));

      const ledger: Ledger = { present: new Map(), deleting: new Map(), deleted: new Set() };
      const seen = new Set<string>();
      const stats: Stats = {
        kills: { upload: 0, commit: 0, idle: 0 },
        killsDuringUploads: 0,
        killsAfterBodySent: 0,
        killsMidBody: 0,
        acknowledged: 0,
        listedWithoutAnswer: 0,
        deleted: 0,
        maxListed: 0,
        listedAtEnd: 0,
        documentsChecked: 0,
      };
      let uploadsInFlightAtLastKill = 0;
      const where = () => `(seed ${seed}, after ${totalKills()} kills)`;
      const totalKills = () => stats.kills.upload + stats.kills.commit + stats.kills.idle;

      /** The checks after each start-up, before anything else talks to the spooler. */
      async function checkAfterStart(sp: SpoolerProcess): Promise<void> {
        const files = spoolEntries(dataDir);
        assert.deepEqual(
          files.filter((f) => f.endsWith('.tmp')),
          [],
          `no temp file remains in the spool after start-up ${where()}`,
        );
        assert.deepEqual(
          files.filter((f) => !SPOOL_FILE.test(f)),
          [],
          `only job files remain in the spool after start-up ${where()}`,
        );
        assert.deepEqual(damagedEntries(dataDir), [], `nothing was moved to damaged/ ${where()}`);

        const { jobs } = await listAllJobs(sp.port, sp.token, 3 + pick(20));
        const ids = jobs.map((j) => j.id);
        for (let i = 1; i < ids.length; i++) {
          assert.ok(
            (ids[i - 1] as string) > (ids[i] as string),
            `paging lists each job once, newest first ${where()}`,
          );
        }
        const listed = new Map(jobs.map((j) => [j.id, j]));
        stats.maxListed = Math.max(stats.maxListed, listed.size);
        assert.deepEqual(
          files,
          ids.flatMap((id) => [`${id}.json`, `${id}.pdf`]).sort(),
          `the spool holds exactly the files of the listed jobs ${where()}`,
        );

        for (const [id, expected] of ledger.present) {
          const job = listed.get(id);
          assert.ok(job, `acknowledged job ${id} is listed ${where()}`);
          assert.equal(job.sha256, expected.sha256, `acknowledged job ${id} keeps its SHA-256 ${where()}`);
          assert.equal(job.size, expected.size, `acknowledged job ${id} keeps its size ${where()}`);
        }
        for (const id of ledger.deleted)
          assert.ok(!listed.has(id), `deleted job ${id} stays deleted ${where()}`);
        for (const [id, expected] of ledger.deleting) {
          const job = listed.get(id);
          if (job) {
            assert.equal(
              job.sha256,
              expected.sha256,
              `job ${id} whose deletion was cut short is intact ${where()}`,
            );
            ledger.present.set(id, expected);
          } else ledger.deleted.add(id);
        }
        ledger.deleting.clear();

        let fresh = 0;
        for (const job of jobs) {
          assert.equal(job.state, 'held', `job ${job.id} is held, not ${job.state} ${where()}`);
          assert.ok(
            sentShas.has(job.sha256),
            `listed job ${job.id} is one of the documents sent, whole ${where()}`,
          );
          if (!ledger.present.has(job.id)) {
            // Committed, but the 201 was lost with the process: allowed, once per upload in flight.
            assert.ok(!seen.has(job.id), `job ${job.id} does not come back after it was gone ${where()}`);
            ledger.present.set(job.id, { sha256: job.sha256, size: job.size });
            fresh++;
          }
          seen.add(job.id);
          const doc = await downloadDocument(sp.port, sp.token, job.id);
          assert.equal(doc.status, 200, `the document of ${job.id} is served ${where()}`);
          assert.equal(doc.size, job.size, `the document of ${job.id} has the listed size ${where()}`);
          assert.equal(doc.contentLength, job.size, `Content-Length of ${job.id} is its size ${where()}`);
          assert.equal(doc.sha256, job.sha256, `the document of ${job.id} matches its SHA-256 ${where()}`);
          stats.documentsChecked++;
        }
        assert.ok(
          fresh <= uploadsInFlightAtLastKill,
          `${fresh} unanswered jobs appeared but only ${uploadsInFlightAtLastKill} uploads were in flight ${where()}`,
        );
        stats.listedWithoutAnswer += fresh;
        stats.listedAtEnd = listed.size;
      }

      /** Deletes the oldest jobs (no kill in the way) until KEEP_JOBS remain, so that each check stays cheap. */
      async function trim(sp: SpoolerProcess): Promise<void> {
        const ids = [...ledger.present.keys()].sort();
        for (const id of ids.slice(0, Math.max(0, ids.length - KEEP_JOBS))) {
          const res = await send({
            port: sp.port,
            method: 'DELETE',
            path: `/v1/jobs/${id}`,
            token: sp.token,
          });
          assert.equal(res.status, 204, `acknowledged job ${id} can be deleted ${where()}`);
          ledger.present.delete(id);
          ledger.deleted.add(id);
          stats.deleted++;
        }
      }

      /** Uploads random documents until the round stops; records every acknowledgement. */
      async function uploader(
        sp: SpoolerProcess,
        round: Round,
        problems: string[],
        n: number,
      ): Promise<void> {
        for (let i = 0; !round.stop; i++) {
          const doc = docs[pick(docs.length)] as Doc;
          round.uploadsInFlight++;
          let bodySent = false;
          try {
            // Half of the bodies trickle in 64 KiB pieces, so that kills also land while a body is arriving.
            const body = pick(2) === 0 ? doc.bytes : Readable.from(trickle(doc.bytes));
            const res = await uploadDocument({
              port: sp.port,
              token: sp.token,
              body,
              contentLength: doc.size,
              rawName: `crash-${n}-${i}.pdf`,
              onBodySent: () => {
                bodySent = true;
                round.bodiesAwaitingAnswer++;
                round.onBodySent();
              },
            });
            if (res.status !== 201) {
              problems.push(`an upload was answered ${res.status}: ${res.body.toString('utf8')}`);
              continue;
            }
            const job = res.json<Job>();
            if (job.sha256 !== doc.sha256 || job.size !== doc.size) {
              problems.push(
                `job ${job.id} was acknowledged with sha ${job.sha256}/${job.size}, sent ${doc.sha256}`,
              );
            }
            ledger.present.set(job.id, { sha256: doc.sha256, size: doc.size });
            stats.acknowledged++;
          } catch (err) {
            if (!round.killed) problems.push(`an upload failed before any kill: ${String(err)}`);
          } finally {
            round.uploadsInFlight--;
            if (bodySent) round.bodiesAwaitingAnswer--;
          }
        }
      }

      /** Deletes the oldest jobs while there are more than KEEP_JOBS, so deletions get killed too. */
      async function deleter(sp: SpoolerProcess, round: Round, problems: string[]): Promise<void> {
        while (!round.stop) {
          if (ledger.present.size <= KEEP_JOBS) {
            await sleep(5);
            continue;
          }
          const id = [...ledger.present.keys()].sort()[0] as string;
          const expected = ledger.present.get(id) as Expected;
          ledger.present.delete(id);
          ledger.deleting.set(id, expected);
          try {
            const res = await send({
              port: sp.port,
              method: 'DELETE',
              path: `/v1/jobs/${id}`,
              token: sp.token,
            });
            ledger.deleting.delete(id);
            if (res.status === 204) {
              ledger.deleted.add(id);
              stats.deleted++;
            } else {
              problems.push(`DELETE of acknowledged job ${id} was answered ${res.status}`);
              ledger.present.set(id, expected);
            }
          } catch (err) {
            if (!round.killed) problems.push(`a DELETE failed before any kill: ${String(err)}`);
          }
        }
      }

      for (let n = 0; totalKills() < KILLS; n++) {
        const sp = await startSpoolerProcess(dataDir);
        children.push(sp);
        await checkAfterStart(sp);
        await trim(sp);

        const mode: KillMode = (['upload', 'commit', 'idle'] as const)[(n + pick(3)) % 3] as KillMode;
        const problems: string[] = [];
        const round: Round = {
          stop: false,
          killed: false,
          uploadsInFlight: 0,
          bodiesAwaitingAnswer: 0,
          onBodySent: () => {},
        };
        const kill = () => {
          if (round.killed) return;
          round.killed = true;
          round.stop = true;
          uploadsInFlightAtLastKill = round.uploadsInFlight;
          if (round.uploadsInFlight > 0) stats.killsDuringUploads++;
          if (round.bodiesAwaitingAnswer > 0) stats.killsAfterBodySent++;
          if (round.uploadsInFlight > round.bodiesAwaitingAnswer) stats.killsMidBody++;
          stats.kills[mode]++;
          sp.child.kill('SIGKILL');
        };
        const workers = Array.from({ length: 2 + pick(2) }, (_, i) =>
          uploader(sp, round, problems, n * 10 + i),
        );
        workers.push(deleter(sp, round, problems));

        let fallback: NodeJS.Timeout | undefined;
        if (mode === 'upload') {
          setTimeout(kill, 10 + pick(490));
        } else if (mode === 'commit') {
          // Kill within a few ms of a body reaching the socket: the server is hashing, fsyncing, renaming.
          const armedAt = Date.now() + pick(200);
          round.onBodySent = () => {
            if (Date.now() >= armedAt) setTimeout(kill, pick(4));
          };
          fallback = setTimeout(kill, 5000);
        } else {
          await sleep(50 + pick(250));
          round.stop = true;
          await Promise.all(workers);
          await sleep(pick(100));
          kill();
        }
        await Promise.all(workers);
        const how = await sp.exited;
        clearTimeout(fallback);
        assert.deepEqual(problems, [], `requests before the kill went well ${where()}`);
        assert.equal(
          how,
          'SIGKILL',
          `the spooler ran until it was killed (stderr: ${sp.stderr()}) ${where()}`,
        );
      }

      // One last start: everything acknowledged is still there; then a clean stop.
      const last = await startSpoolerProcess(dataDir);
      children.push(last);
      await checkAfterStart(last);
      last.child.kill('SIGTERM');
      assert.equal(await last.exited, 0, 'the spooler stops cleanly on SIGTERM after all the kills');

      const summary =
        `crash: ${totalKills()} kills (upload ${stats.kills.upload}, commit ${stats.kills.commit}, ` +
        `idle ${stats.kills.idle}; ${stats.killsDuringUploads} with uploads in flight, ` +
        `${stats.killsMidBody} with a body partly sent, ` +
        `${stats.killsAfterBodySent} with a body sent and no answer yet), ` +
        `${stats.acknowledged} jobs acknowledged, ${stats.listedWithoutAnswer} listed without an answer, ` +
        `${stats.deleted} deleted, ${stats.listedAtEnd} jobs listed at the end (max ${stats.maxListed}), ` +
        `${stats.documentsChecked} documents checked, seed ${seed}`;
      t.diagnostic(summary);

      // The run must have exercised what it claims to: kills during uploads and at commits, and real traffic.
      assert.ok(stats.killsDuringUploads >= KILLS / 4, `enough kills landed during uploads: ${summary}`);
      assert.ok(stats.killsMidBody >= 5, `enough kills landed while a body was arriving: ${summary}`);
      assert.ok(
        stats.killsAfterBodySent >= 5,
        `enough kills landed between a body and its answer: ${summary}`,
      );
      assert.ok(stats.kills.idle >= 5, `enough kills landed at idle: ${summary}`);
      assert.ok(stats.acknowledged >= KILLS, `enough jobs were acknowledged: ${summary}`);
    },
  );
});
