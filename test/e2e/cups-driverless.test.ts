// The OS print system in front of our virtual printer, the way Linux desktop applications print: a private
// cupsd with a driverless (`lpadmin -m everywhere`) queue pointing at the spooler's IPP printer. What `lp`
// prints lands in our spool with CUPS's title and user, as a valid PDF laid out on the printer's
// media-default; every CUPS job reaches "completed" because our printer reports a job completed once it is
// stored (a pull-print job may wait days for its release, and CUPS's ipp backend waits for completion before
// it sends the next job). A raw queue passes the bytes through unchanged. Each job's time from `lp` to the
// spool (and to "completed" in CUPS) is printed as a diagnostic.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { basename, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Job } from '../../main/spool/job.js';
import { downloadDocument, killChild, listAllJobs } from '../helpers/control-client.js';
import { cupsdUnavailable, runCommand, startCupsd } from '../helpers/cupsd.js';
import type { Cupsd } from '../helpers/cupsd.js';
import { makePdf, sha256 } from '../helpers/pdf.js';
import { REPO_ROOT, startSpoolerProcess } from '../helpers/spooler-process.js';
import type { SpoolerProcess } from '../helpers/spooler-process.js';

const TITLE = 'Quarterly report';
/** A JPEG of 48 x 32 pixels at 72 dpi: its own size is far from any paper size. */
const JPEG_FIXTURE = join(REPO_ROOT, 'test/main/convert/fixtures/quadrants-rgb.jpg');
/** How long a job may take from `lp` to the spool, or to "completed" in CUPS (it takes well under 1 s). */
const WAIT_MS = 20_000;

/** A paper size in PDF points. */
interface PageSize {
  name: string;
  width: number;
  height: number;
}
const A4: PageSize = { name: 'A4', width: 595.28, height: 841.89 };
const LETTER: PageSize = { name: 'Letter', width: 612, height: 792 };

/** One `lp` job followed to our spool and to the end of its CUPS life. */
interface Printed {
  /** CUPS's request id, `CPS-3`. */
  request: string;
  /** CUPS's job number, as its error_log names it (`[Job 3]`). */
  cupsJob: number;
  job: Job;
  msToSpool: number;
  msToCompleted: number;
}

/** What poppler and qpdf say about a stored document. */
interface StoredPdf {
  pages: number;
  sizes: Array<{ width: number; height: number }>;
  pdfinfo: string;
}

/** Why the suite cannot run here (a private cupsd needs root), or false. */
const SKIP = cupsdUnavailable() ?? false;

describe('a driverless CUPS queue printing to our virtual printer', { skip: SKIP }, () => {
  let work = '';
  let a4: SpoolerProcess | undefined;
  let letter: SpoolerProcess | undefined;
  let cups: Cupsd | undefined;
  const requestsOnCps: string[] = [];

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'cps-cups-e2e-'));
    [a4, letter] = await Promise.all([
      startSpoolerProcess(join(work, 'a4')),
      startSpoolerProcess(join(work, 'letter'), [
        '--hot-folder',
        'off',
        '--media-default',
        'na_letter_8.5x11in',
      ]),
    ]);
    // Our printer must be listening before lpadmin: `-m everywhere` builds the queue from its attributes.
    cups = await startCupsd();
    await cups.addQueue('CPS', `ipp://localhost:${a4.ippPort}/ipp/print`, 'everywhere');
    await cups.addQueue('CPSRAW', `ipp://localhost:${a4.ippPort}/ipp/print`, 'raw');
    await cups.addQueue('CPSLETTER', `ipp://localhost:${letter.ippPort}/ipp/print`, 'everywhere');
  });

  after(async () => {
    await cups?.stop();
    for (const sp of [a4, letter]) if (sp) await killChild(sp.child, sp.exited);
    if (work) rmSync(work, { recursive: true, force: true });
  });

  function ready(): { cups: Cupsd; a4: SpoolerProcess; letter: SpoolerProcess } {
    assert.ok(cups && a4 && letter, 'the spoolers and cupsd started');
    return { cups, a4, letter };
  }

  /** The one job that appeared in the spool after `known`, waiting for it. */
  async function waitForNewJob(sp: SpoolerProcess, known: Set<string>, what: string): Promise<Job> {
    const until = Date.now() + WAIT_MS;
    for (;;) {
      const fresh = (await listAllJobs(sp.port, sp.token)).jobs.filter((j) => !known.has(j.id));
      if (fresh.length > 0) {
        assert.equal(fresh.length, 1, `one job in the spool for ${what}: ${JSON.stringify(fresh)}`);
        return fresh[0] as Job;
      }
      assert.ok(Date.now() < until, `${what} did not arrive in the spool within ${WAIT_MS} ms`);
      await sleep(25);
    }
  }

  /** Waits until `lpstat -W completed` lists the request; fails with CUPS's view of the job if it does not. */
  async function waitForCompleted(c: Cupsd, queue: string, request: string): Promise<void> {
    const until = Date.now() + WAIT_MS;
    const listed = new RegExp(`^${request}\\s`, 'm');
    for (;;) {
      const done = await c.check('lpstat', ['-W', 'completed', '-o', queue]);
      if (listed.test(done)) return;
      if (Date.now() > until) {
        const waiting = await c.run('lpstat', ['-l', '-W', 'not-completed', '-o', queue]);
        assert.fail(
          `CUPS job ${request} is not completed after ${WAIT_MS} ms (the queue waits on our printer):\n` +
            `${waiting.stdout}${waiting.stderr}`,
        );
      }
      await sleep(25);
    }
  }

  /** Prints `file` with lp (title TITLE), then waits for it in our spool and for its completion in CUPS. */
  async function print(
    t: TestContext,
    sp: SpoolerProcess,
    queue: string,
    file: string,
    options: string[] = [],
  ): Promise<Printed> {
    const c = ready().cups;
    const known = new Set((await listAllJobs(sp.port, sp.token)).jobs.map((j) => j.id));
    const start = performance.now();
    const out = await c.check('lp', ['-d', queue, '-t', TITLE, ...options, file]);
    const m = /request id is (\S+-(\d+))/.exec(out);
    assert.ok(m, `lp names its request: ${out}`);
    const request = m[1] as string;
    const cupsJob = Number(m[2]);
    if (queue === 'CPS') requestsOnCps.push(request);
    return c.withLog(async () => {
      const job = await waitForNewJob(sp, known, `${request} (${file})`);
      const msToSpool = performance.now() - start;
      await waitForCompleted(c, queue, request);
      const msToCompleted = performance.now() - start;
      t.diagnostic(
        `${request} ${basename(file)}${options.length ? ` ${options.join(' ')}` : ''}: ` +
          `lp -> spool ${msToSpool.toFixed(0)} ms, lp -> completed in CUPS ${msToCompleted.toFixed(0)} ms`,
      );
      return { request, cupsJob, job, msToSpool, msToCompleted };
    }, cupsJob);
  }

  /** Downloads a job's document, checks it against the job's hash, and reads it with qpdf and pdfinfo. */
  async function storedPdf(sp: SpoolerProcess, job: Job): Promise<StoredPdf> {
    const doc = await downloadDocument(sp.port, sp.token, job.id);
    assert.equal(doc.status, 200, `the document of ${job.id} can be downloaded`);
    assert.equal(doc.sha256, job.sha256, 'the stored document is the one the job lists');
    const path = join(work, `${job.id}.pdf`);
    writeFileSync(path, doc.body);
    const check = await runCommand('qpdf', ['--check', path]);
    assert.equal(
      check.code,
      0,
      `qpdf --check finds the stored document valid:\n${check.stdout}${check.stderr}`,
    );
    const info = await runCommand('pdfinfo', ['-f', '1', '-l', '100000', path]);
    assert.equal(info.code, 0, `pdfinfo reads the stored document: ${info.stderr}`);
    const pages = Number(/^Pages:\s+(\d+)/m.exec(info.stdout)?.[1]);
    const sizes = [...info.stdout.matchAll(/^Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts/gm)].map((s) => ({
      width: Number(s[1]),
      height: Number(s[2]),
    }));
    assert.equal(sizes.length, pages, `pdfinfo gives a size for every page:\n${info.stdout}`);
    return { pages, sizes, pdfinfo: info.stdout };
  }

  function assertPaper(pdf: StoredPdf, paper: PageSize, why: string): void {
    pdf.sizes.forEach((s, i) => {
      assert.ok(
        Math.abs(s.width - paper.width) <= 1 && Math.abs(s.height - paper.height) <= 1,
        `page ${i + 1} is ${s.width} x ${s.height} pt, not ${paper.name} ` +
          `(${paper.width} x ${paper.height} pt, +-1) ${why}`,
      );
    });
  }

  /** The job as CUPS described it: the lp title, the user who ran lp, held for release. */
  function assertJobFromLp(job: Job, pages: number): void {
    assert.equal(job.name, TITLE, 'the job name is the title given to lp -t (CUPS sends it as job-name)');
    assert.equal(job.owner, userInfo().username, 'the owner is the user CUPS sends as requesting-user-name');
    assert.equal(job.pages, pages, 'the page count');
    assert.equal(job.state, 'held', 'the job waits for its release');
    assert.equal(job.format, 'application/pdf');
  }

  it('stores a 3-page PDF printed with lp as one held job named by lp -t, owned by the user, laid out on A4', async (t) => {
    const { a4: sp, cups: c } = ready();
    const file = join(work, 'report.pdf');
    writeFileSync(file, await makePdf(3));
    const printed = await print(t, sp, 'CPS', file);
    await c.withLog(async () => {
      assertJobFromLp(printed.job, 3);
      const pdf = await storedPdf(sp, printed.job);
      assert.equal(pdf.pages, 3, 'the stored PDF has the 3 pages');
      assertPaper(pdf, A4, "(the printer's media-default is A4, and CUPS's pdftopdf lays the job out on it)");
    }, printed.cupsJob);
  });

  it('stores a plain-text file, which CUPS turns into PDF, as a one-page job laid out on A4', async (t) => {
    const { a4: sp, cups: c } = ready();
    const file = join(work, 'notes.txt');
    writeFileSync(file, 'Quarterly report\n\nRevenue: up 4 %\nCosts: flat\nHeadcount: 12\n');
    const printed = await print(t, sp, 'CPS', file);
    await c.withLog(async () => {
      assertJobFromLp(printed.job, 1);
      const pdf = await storedPdf(sp, printed.job);
      assert.equal(pdf.pages, 1, 'the stored PDF has one page');
      assert.match(pdf.pdfinfo, /^Creator:\s+texttopdf/m, 'CUPS made the PDF with texttopdf');
      assertPaper(pdf, A4, "(the printer's media-default is A4, and texttopdf lays the text out on it)");
    }, printed.cupsJob);
  });

  it('stores a JPEG as a one-page PDF job laid out on A4', async (t) => {
    const { a4: sp, cups: c } = ready();
    const printed = await print(t, sp, 'CPS', JPEG_FIXTURE);
    await c.withLog(async () => {
      assertJobFromLp(printed.job, 1);
      const pdf = await storedPdf(sp, printed.job);
      assert.equal(pdf.pages, 1, 'the stored PDF has one page');
      // The JPEG reaches our printer as image/jpeg, with no media (the queue's PPD passes it through unfiltered
      // because the printer lists it in document-format-supported), so the page size is our converter's
      // choice (main/convert/placement.ts), not pdftopdf's. The picture's own size is 48 x 32 pt.
      assertPaper(
        pdf,
        A4,
        "(the printer's media-default is A4: the picture is printed on the queue's paper)",
      );
    }, printed.cupsJob);
  });

  it('lets every CUPS job complete, so that the second and third job in a row go through', async () => {
    const { cups: c } = ready();
    assert.ok(requestsOnCps.length >= 3, `three jobs were printed on CPS: ${requestsOnCps.join(', ')}`);
    const completed = await c.check('lpstat', ['-W', 'completed', '-o', 'CPS']);
    for (const request of requestsOnCps)
      assert.match(completed, new RegExp(`^${request}\\s`, 'm'), `${request} is completed in CUPS`);
    const waiting = await c.check('lpstat', ['-W', 'not-completed', '-o', 'CPS']);
    assert.equal(waiting.trim(), '', 'no CUPS job is left waiting on our printer');
  });

  it('passes a PDF byte for byte through a raw queue and through lp -o raw', async (t) => {
    const { a4: sp, cups: c } = ready();
    const bytes = await makePdf(3, { title: 'raw' });
    const file = join(work, 'raw.pdf');
    writeFileSync(file, bytes);
    for (const [queue, options] of [
      ['CPSRAW', []],
      ['CPS', ['-o', 'raw']],
    ] as const) {
      const printed = await print(t, sp, queue, file, [...options]);
      await c.withLog(async () => {
        const how = `${queue} ${options.join(' ')}`.trim();
        assert.equal(printed.job.sha256, sha256(bytes), `${how}: the spool lists the printed bytes`);
        const pdf = await storedPdf(sp, printed.job);
        assert.equal(pdf.pages, 3, `${how}: the stored PDF has the 3 pages`);
        assert.equal(printed.job.pages, 3, `${how}: the job counts 3 pages`);
        assert.equal(printed.job.name, TITLE, `${how}: the job name is the lp title`);
      }, printed.cupsJob);
    }
  });

  it("gives a driverless queue the printer's media-default as its default page size", async () => {
    const { cups: c } = ready();
    for (const [queue, paper] of [
      ['CPS', 'A4'],
      ['CPSLETTER', 'Letter'],
    ] as const) {
      const options = await c.check('lpoptions', ['-p', queue, '-l']);
      const pageSize = /^PageSize\/.*$/m.exec(options)?.[0] ?? '(no PageSize option)';
      const ppd = readFileSync(join(c.root, 'etc/ppd', `${queue}.ppd`), 'utf8');
      const ppdDefault = /^\*DefaultPageSize:.*$/m.exec(ppd)?.[0] ?? '(no *DefaultPageSize)';
      // lpoptions marks the default choice with "*"; CUPS names sizes "A4" or, with zero margins, "A4.Borderless".
      assert.match(
        pageSize,
        new RegExp(`\\*${paper}(\\.\\w+)?(\\s|$)`),
        `${queue}: the default page size is ${paper}: lpoptions says "${pageSize}", the PPD says "${ppdDefault}"`,
      );
    }
  });

  // pdftopdf also falls back to Letter when a queue has no default page size: the test above is the one that
  // shows the queue took Letter from our media-default.
  it('lays a PDF out on Letter through a driverless queue when our media-default is Letter', async (t) => {
    const { letter: sp, cups: c } = ready();
    const file = join(work, 'a4-page.pdf');
    writeFileSync(file, await makePdf(1, { title: 'made on A4' }));
    const printed = await print(t, sp, 'CPSLETTER', file);
    await c.withLog(async () => {
      assertJobFromLp(printed.job, 1);
      const pdf = await storedPdf(sp, printed.job);
      assertPaper(pdf, LETTER, "(the printer's media-default is na_letter_8.5x11in; the file was A4)");
    }, printed.cupsJob);
  });
});
