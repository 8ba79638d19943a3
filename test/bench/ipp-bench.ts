// Benchmark of the virtual IPP printer: ipptool prints a 50 MB PDF and 200 small PDFs into our printer and into
// ippeveprinter (CUPS's IPP Everywhere printer) side by side, with `dd conv=fsync` of the same bytes as the
// disk's own limit, and our peak RSS growth while receiving (a 500 MB job too). Every job is checked where it
// landed (our control API's sha256, ippeveprinter's kept file), so a printer that fails cannot look fast.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { listAllJobs } from '../helpers/control-client.js';
import { startChild, startIppEvePrinter, stopChild } from '../helpers/ippeveprinter.js';
import { makePdf, sha256, writeBigPdf } from '../helpers/pdf.js';
import { startSpoolerProcess } from '../helpers/spooler-process.js';
import type { SpoolerProcess } from '../helpers/spooler-process.js';
import { goal, percentile, procMemoryMb, report, resetPeak, since, timeCommand } from './measure.js';

const MB = 1024 * 1024;
const BIG_MB = 50;
const BIG_ROUNDS = 5;
const HUGE_MB = 500;
const SMALL_JOBS = 200;
const SMALL_ROUNDS = 4;
const SMALL_PAD_BYTES = 100 * 1024;
/** ipptool processes running at once for the small jobs, the same for every printer. */
const CONCURRENCY = Number(process.env.BENCH_IPP_CONCURRENCY ?? 4);
/**
 * ippeveprinter takes one job at a time and answers server-error-busy to the others (even with `-c /bin/true`):
 * `ipptool -R` sends the job again after this many seconds, so that only accepted jobs are counted.
 */
const BUSY_RETRY_S = 0.001;

/**
 * Print-Job with a job name to find the job by; DELAY's second value is the pause before a retry. It must be
 * quoted: unquoted, ipptool stops at the comma with a syntax error, sends nothing and still exits 0.
 */
const PRINT_JOB_TEST = `{
  NAME "Print-Job"
  OPERATION Print-Job
  DELAY "0,${BUSY_RETRY_S}"
  GROUP operation-attributes-tag
  ATTR charset attributes-charset utf-8
  ATTR language attributes-natural-language en
  ATTR uri printer-uri $uri
  ATTR name requesting-user-name bench
  ATTR name job-name $jobname
  ATTR mimeMediaType document-format application/pdf
  FILE $filename
  STATUS successful-ok
  STATUS successful-ok-ignored-or-substituted-attributes
  EXPECT job-id
}
`;

/** A document sent, as it must arrive. */
interface Sent {
  name: string;
  file: string;
  sha256: string;
  size: number;
}

/** A printer under test: where ipptool sends, and how to check what it kept. */
interface Target {
  label: string;
  uri: string;
  /** Problems found for `sent` (empty when every job arrived byte-identical). */
  verify(sent: Sent[]): Promise<string[]>;
}

/** Runs a program to its end. */
async function run(command: string, args: string[]): Promise<{ code: number | string; output: string }> {
  const c = startChild(command, args);
  const code = await c.exited;
  return { code, output: c.output() };
}

/** ippeveprinter (test/helpers/ippeveprinter.ts); a job arrived when it kept the same bytes under its name. */
async function ippEveTarget(dir: string): Promise<Target & { stop(): Promise<void> }> {
  const eve = await startIppEvePrinter(dir, 'Bench Printer');
  return {
    label: 'ippeveprinter',
    uri: eve.uri,
    stop: () => eve.stop(),
    async verify(sent) {
      const kept = eve.kept();
      return sent.flatMap((d) => {
        const bytes = kept.get(d.name);
        if (!bytes) return [`${d.name}: not in its spool`];
        return sha256(bytes) === d.sha256 ? [] : [`${d.name}: different bytes`];
      });
    },
  };
}

/** Our printer; a job arrived when the control API lists it with the sent size and sha256. */
function ourPrinter(s: SpoolerProcess): Target {
  return {
    label: 'our printer',
    uri: `ipp://localhost:${s.ippPort}/ipp/print`,
    async verify(sent) {
      const { jobs } = await listAllJobs(s.port, s.token);
      const byName = new Map(jobs.map((j) => [j.name, j]));
      return sent.flatMap((d) => {
        const job = byName.get(d.name);
        if (!job) return [`${d.name}: not listed`];
        return job.sha256 === d.sha256 && job.size === d.size ? [] : [`${d.name}: different bytes`];
      });
    },
  };
}

/** Prints one document with one ipptool process; returns how many server-error-busy answers it retried. */
async function print(testFile: string, target: Target, doc: Sent): Promise<number> {
  const args = ['-R', '-t', '-d', `jobname=${doc.name}`, '-f', doc.file, target.uri, testFile];
  const { code, output } = await run('ipptool', args);
  // ipptool's exit code alone is not to be trusted (peers.md): the test line must say PASS.
  if (code !== 0 || !output.includes('[PASS]') || output.includes('[FAIL]'))
    throw new Error(`ipptool did not print ${doc.name} on ${target.label}: ${output.trim()}`);
  return output.match(/\[\d{4}\]/g)?.length ?? 0;
}

async function inParallel<T>(items: T[], n: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
}

/** What batches cost, added up; RSS figures only where a pid was watched. */
interface Tally {
  ms: number[];
  busy: number;
  growthMb: number[];
  baselineMb: number;
}

const tally = (): Tally => ({ ms: [], busy: 0, growthMb: [], baselineMb: NaN });

/** Prints `docs` into `target`, `n` ipptool processes at a time, then checks that every job arrived. */
async function printAll(
  testFile: string,
  target: Target,
  docs: Sent[],
  n: number,
  into: Tally,
  pid?: number,
) {
  timeCommand('sync'); // the dirty pages of earlier batches are not this batch's cost
  if (pid !== undefined) {
    resetPeak(pid);
    into.baselineMb = procMemoryMb(pid, 'VmRSS');
  }
  const t = performance.now();
  await inParallel(docs, n, async (d) => {
    into.busy += await print(testFile, target, d);
  });
  into.ms.push(since(t));
  if (pid !== undefined) into.growthMb.push(procMemoryMb(pid, 'VmHWM') - into.baselineMb);
  const problems = await target.verify(docs);
  if (problems.length > 0) {
    const more = problems.length > 5 ? ` and ${problems.length - 5} more` : '';
    throw new Error(`${target.label} lost jobs: ${problems.slice(0, 5).join('; ')}${more}`);
  }
}

/**
 * The same bytes written by dd with an fsync per file, `n` at a time: the disk's own limit. Each to a new file
 * that is kept, as the printers keep every job: overwriting one file would reuse its blocks, which on a
 * thin-provisioned virtual disk is much faster than writing fresh ones.
 */
async function ddAll(docs: Sent[], outDir: string, n: number, into: Tally): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  timeCommand('sync');
  const t = performance.now();
  await inParallel(docs, n, async (d) => {
    const out = join(outDir, `${d.name}.pdf`);
    const args = [`if=${d.file}`, `of=${out}`, 'bs=1M', 'conv=fsync', 'status=none'];
    const { code, output } = await run('dd', args);
    if (code !== 0) throw new Error(`dd failed: ${output}`);
  });
  into.ms.push(since(t));
}

/** One side of a comparison, run once per round. */
type Contender = (round: number) => Promise<void>;

/** Runs every contender once per round, the order rotating so that none always goes first. */
async function alternate(rounds: number, contenders: Contender[]): Promise<void> {
  for (let r = 0; r < rounds; r++)
    for (let i = 0; i < contenders.length; i++)
      await (contenders[(r + i) % contenders.length] as Contender)(r);
}

async function bigDocument(dir: string, name: string, mb: number): Promise<Sent> {
  const file = join(dir, `${name}.pdf`);
  const sha = await writeBigPdf(file, mb * MB);
  return { name, file, sha256: sha, size: statSync(file).size };
}

/** Small PDFs of their own bytes each, so that a job swapped for another does not verify. */
async function smallDocuments(dir: string, count: number): Promise<Sent[]> {
  mkdirSync(dir);
  const docs: Sent[] = [];
  for (let i = 0; i < count; i++) {
    const name = `small-${String(i).padStart(3, '0')}`;
    const pdf = await makePdf(1, { padBytes: SMALL_PAD_BYTES, title: name });
    writeFileSync(join(dir, `${name}.pdf`), pdf);
    docs.push({ name, file: join(dir, `${name}.pdf`), sha256: sha256(pdf), size: pdf.length });
  }
  return docs;
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
const fixed = (values: number[]) => values.map((v) => v.toFixed(0)).join('/');

/** What every comparison needs: the folder, the test file, both printers and our spooler's pid. */
interface Bench {
  dir: string;
  testFile: string;
  ours: Target;
  peer: Target;
  pid: number;
}

/** The big job, BIG_ROUNDS times into each printer and through dd, by median throughput. */
async function compareBigJob(b: Bench, big: Sent): Promise<void> {
  const [ours, peer, dd] = [tally(), tally(), tally()];
  const doc = (r: number) => ({ ...big, name: `big-${r}` });
  await alternate(BIG_ROUNDS, [
    (r) => printAll(b.testFile, b.ours, [doc(r)], 1, ours, b.pid),
    (r) => printAll(b.testFile, b.peer, [doc(r)], 1, peer),
    (r) => ddAll([doc(r)], join(b.dir, 'dd'), 1, dd),
  ]);
  const rates = (t: Tally) => t.ms.map((ms) => big.size / MB / (ms / 1000));
  const median = (t: Tally) => percentile(rates(t), 50);
  const [o, e, d] = [median(ours), median(peer), median(dd)];
  report(
    `print ${BIG_MB} MB PDF (median of ${BIG_ROUNDS} runs)`,
    `${o.toFixed(0)} MB/s (${fixed(rates(ours))})`,
    `ippeveprinter ${e.toFixed(0)} MB/s (${fixed(rates(peer))})`,
    `ratio ${(o / e).toFixed(2)} ${goal(o / e >= 0.6, '>= 0.6')}`,
  );
  report(
    `print ${BIG_MB} MB PDF, against the disk`,
    `${o.toFixed(0)} MB/s`,
    `dd conv=fsync ${d.toFixed(0)} MB/s (${fixed(rates(dd))})`,
    `ratio ${(o / d).toFixed(2)} ${goal(o / d >= 0.8, '>= 0.8')}`,
  );
  report(
    `our RSS growth, ${BIG_MB} MB job`,
    `${Math.max(...ours.growthMb).toFixed(1)} MB (${fixed(ours.growthMb)})`,
    `baseline ${ours.baselineMb.toFixed(0)} MB`,
    'max of the runs (goal: see 500 MB)',
  );
}

/** The small jobs, CONCURRENCY ipptool processes at a time, in SMALL_ROUNDS slices per printer and dd. */
async function compareSmallJobs(b: Bench, small: Sent[]): Promise<void> {
  const [ours, peer, dd] = [tally(), tally(), tally()];
  const per = small.length / SMALL_ROUNDS;
  const part = (r: number) => small.slice(r * per, (r + 1) * per);
  await alternate(SMALL_ROUNDS, [
    (r) => printAll(b.testFile, b.ours, part(r), CONCURRENCY, ours, b.pid),
    (r) => printAll(b.testFile, b.peer, part(r), CONCURRENCY, peer),
    (r) => ddAll(part(r), join(b.dir, 'dd-small'), CONCURRENCY, dd),
  ]);
  const perSecond = (t: Tally) => small.length / (sum(t.ms) / 1000);
  const [o, e, d] = [perSecond(ours), perSecond(peer), perSecond(dd)];
  report(
    `${small.length} PDFs of ~100 KB, ${CONCURRENCY} ipptool at a time`,
    `${o.toFixed(0)} jobs/s (${ours.busy} busy)`,
    `ippeveprinter ${e.toFixed(0)} jobs/s (${peer.busy} busy)`,
    `ratio ${(o / e).toFixed(2)} ${goal(o / e >= 0.8, '>= 0.8')}`,
  );
  report(
    `${small.length} PDFs of ~100 KB, against the disk`,
    `${o.toFixed(0)} jobs/s`,
    `dd conv=fsync ${d.toFixed(0)} files/s`,
    `ratio ${(o / d).toFixed(2)} (no goal)`,
  );
  report(
    'our RSS growth, small jobs',
    `${Math.max(...ours.growthMb).toFixed(1)} MB`,
    `baseline ${ours.baselineMb.toFixed(0)} MB`,
    '(no goal)',
  );
}

/** The 500 MB job, into a fresh spooler as the spool benchmark measures (the first big job grows the heap most). */
async function measureHugeJob(dir: string, testFile: string, spoolers: SpoolerProcess[]): Promise<void> {
  const huge = await bigDocument(dir, 'huge', HUGE_MB);
  const fresh = await startSpoolerProcess(mkdtempSync(join(dir, 'fresh-')));
  spoolers.push(fresh);
  await new Promise((r) => setTimeout(r, 300));
  const t = tally();
  await printAll(testFile, ourPrinter(fresh), [huge], 1, t, fresh.child.pid as number);
  rmSync(huge.file);
  const growth = t.growthMb[0] as number;
  report(
    `our RSS growth, ${HUGE_MB} MB job (fresh spooler)`,
    `${growth.toFixed(1)} MB`,
    `${(huge.size / MB / (sum(t.ms) / 1000)).toFixed(0)} MB/s, baseline ${t.baselineMb.toFixed(0)} MB`,
    goal(growth < 64, '< 64 MB'),
  );
}

/** Runs the IPP printer benchmark and prints its lines. */
export async function runIppBench(workDir: string): Promise<void> {
  if (!Number.isInteger(CONCURRENCY) || CONCURRENCY < 1)
    throw new Error('BENCH_IPP_CONCURRENCY must be a whole number, 1 or more.');
  const dir = mkdtempSync(join(workDir, 'ipp-'));
  const spoolers: SpoolerProcess[] = [];
  let eve: Awaited<ReturnType<typeof ippEveTarget>> | null = null;
  try {
    const testFile = join(dir, 'print-job.test');
    writeFileSync(testFile, PRINT_JOB_TEST);
    const big = await bigDocument(dir, 'big', BIG_MB);
    // One more than measured: the first warms up both printers.
    const [warmUp, ...small] = await smallDocuments(join(dir, 'small'), SMALL_JOBS + 1);
    const client = (await run('ipptool', ['--version'])).output.trim();
    const spooler = await startSpoolerProcess(mkdtempSync(join(dir, 'ours-')));
    spoolers.push(spooler);
    eve = await ippEveTarget(join(dir, 'ippeveprinter'));
    const b: Bench = {
      dir,
      testFile,
      ours: ourPrinter(spooler),
      peer: eve,
      pid: spooler.child.pid as number,
    };
    console.log(
      `ipp: ipptool (${client}) is the client of both printers, one process per job; server-error-busy is ` +
        `retried after ${BUSY_RETRY_S * 1000} ms (ipptool -R); ippeveprinter does not fsync, we and dd do; ` +
        `load ${loadavg()[0]?.toFixed(1)} on ${cpus().length} CPUs`,
    );
    for (const target of [b.ours, b.peer]) await printAll(testFile, target, [warmUp as Sent], 1, tally());
    await compareBigJob(b, big);
    await compareSmallJobs(b, small);
    await measureHugeJob(dir, testFile, spoolers);
  } finally {
    if (eve) await eve.stop();
    for (const s of spoolers) await stopChild(s);
    rmSync(dir, { recursive: true, force: true });
  }
}
