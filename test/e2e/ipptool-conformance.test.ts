// The CUPS project's ipptool conformance suites against our virtual printer: nobody here wrote them.
// ipptool's exit code ignores failures inside INCLUDEd files (ipp-2.0 includes ipp-1.1), so the [FAIL]
// lines and the summary are counted here.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PDFDocument } from 'pdf-lib';
import { send } from '../helpers/http.js';
import { makePdf, sha256 } from '../helpers/pdf.js';
import { startSpoolerProcess } from '../helpers/spooler-process.js';
import type { SpoolerProcess } from '../helpers/spooler-process.js';

const SUITES = '/usr/share/cups/ipptool';

interface SuiteResult {
  passed: number;
  failed: number;
  failures: string[];
  output: string;
}

function runSuite(dir: string, uri: string, suite: string, version: string, file?: string): SuiteResult {
  const args = ['-V', version, '-t', ...(file ? ['-f', file] : []), uri, suite];
  const r = spawnSync('ipptool', args, { cwd: dir, encoding: 'utf8', timeout: 120_000 });
  if (r.error) throw r.error;
  const output = `${r.stdout}${r.stderr}`;
  const failures = output.split('\n').filter((l) => /\[FAIL\]/.test(l));
  const summaries = [...output.matchAll(/Summary: (\d+) tests, (\d+) passed, (\d+) failed/g)];
  // Suites that INCLUDE others print no summary; their [PASS] lines still count.
  const passLines = output.split('\n').filter((l) => /\[PASS\]/.test(l)).length;
  const passed = Math.max(
    passLines,
    summaries.reduce((n, m) => n + Number(m[2]), 0),
  );
  const failedInSummary = summaries.reduce((n, m) => n + Number(m[3]), 0);
  return { passed, failed: Math.max(failures.length, failedInSummary), failures, output };
}

/** A PDF with one page of the given size (points), for the suites' document-a4.pdf and document-letter.pdf. */
async function pagePdf(width: number, height: number): Promise<Buffer> {
  const doc = await PDFDocument.create();
  doc.addPage([width, height]).drawText('ipptool conformance', { x: 50, y: height - 80, size: 18 });
  return Buffer.from(await doc.save());
}

function jpeg(dir: string, pdf: string, name: string, gray: boolean): void {
  const r = spawnSync('pdftoppm', [
    '-jpeg',
    '-r',
    '30',
    '-singlefile',
    ...(gray ? ['-gray'] : []),
    pdf,
    join(dir, name),
  ]);
  assert.equal(r.status, 0, `pdftoppm failed: ${String(r.stderr)}`);
}

describe('ipptool conformance suites against the virtual printer', () => {
  let spooler: SpoolerProcess;
  let dir: string;
  let uri: string;
  let dataDir: string;
  const results: Array<[string, SuiteResult]> = [];

  before(async () => {
    // Not tempDir(): an after() registered inside a hook would run when the hook ends.
    dir = mkdtempSync(join(tmpdir(), 'cps-ipptool-'));
    dataDir = mkdtempSync(join(tmpdir(), 'cps-ipptool-data-'));
    spooler = await startSpoolerProcess(dataDir);
    uri = `ipp://localhost:${spooler.ippPort}/ipp/print`;
    // The suites name their documents relative to the test file: give them a folder with every one.
    for (const s of ['ipp-1.1.test', 'ipp-2.0.test']) copyFileSync(join(SUITES, s), join(dir, s));
    writeFileSync(join(dir, 'document-a4.pdf'), await pagePdf(595.28, 841.89));
    writeFileSync(join(dir, 'document-letter.pdf'), await pagePdf(612, 792));
    writeFileSync(join(dir, 'three-pages.pdf'), await makePdf(3));
    jpeg(dir, join(dir, 'document-a4.pdf'), 'color', false);
    jpeg(dir, join(dir, 'document-a4.pdf'), 'gray', true);
  });

  after(async () => {
    for (const [name, r] of results) console.log(`ipptool ${name}: ${r.passed} passed, ${r.failed} failed`);
    spooler.child.kill('SIGTERM');
    await spooler.exited;
    rmSync(dir, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  });

  const cases: Array<[string, string, string]> = [
    ['ipp-1.1.test', '1.1', 'local'],
    ['ipp-2.0.test', '2.0', 'local'],
    ['print-job.test', '2.0', SUITES],
    ['create-job.test', '2.0', SUITES],
    ['get-jobs.test', '2.0', SUITES],
  ];
  for (const [suite, version, where] of cases) {
    it(`passes ${suite} (IPP/${version}) with no failure`, () => {
      const path = where === 'local' ? join(dir, suite) : join(where, suite);
      const r = runSuite(dir, uri, path, version, join(dir, 'three-pages.pdf'));
      results.push([suite, r]);
      assert.equal(r.failed, 0, `failures:\n${r.failures.join('\n')}\n${r.output.slice(-4000)}`);
      assert.ok(r.passed > 0, `nothing ran:\n${r.output}`);
    });
  }

  it('passes get-job-attributes.test against a job URI', () => {
    const r = runSuite(dir, `${uri}/1`, join(SUITES, 'get-job-attributes.test'), '2.0');
    results.push(['get-job-attributes.test', r]);
    assert.equal(r.failed, 0, r.output);
    assert.ok(r.passed > 0, r.output);
  });

  it('passes cancel-current-job.test against a job still waiting for its document', () => {
    const setup = runSuite(dir, uri, join(import.meta.dirname, 'fixtures/create-job-only.test'), '2.0');
    assert.equal(setup.failed, 0, setup.output);
    const r = runSuite(dir, uri, join(SUITES, 'cancel-current-job.test'), '2.0');
    results.push(['cancel-current-job.test', r]);
    assert.equal(r.failed, 0, r.output);
    assert.equal(r.passed, 2, r.output);
  });

  it('stored what print-job.test sent: the right bytes, owner and page count, and a name of its own', async () => {
    const r = runSuite(dir, uri, join(SUITES, 'print-job.test'), '2.0', join(dir, 'three-pages.pdf'));
    assert.equal(r.failed, 0, r.output);
    const list = await send({ port: spooler.port, path: '/v1/jobs?limit=1', token: spooler.token });
    const job = list.json<{
      jobs: Array<{ id: string; name: string; owner: string; pages: number; sha256: string }>;
    }>().jobs[0];
    assert.ok(job, 'no job stored');
    assert.equal(job.pages, 3);
    assert.equal(job.owner, userInfo().username);
    // print-job.test sends neither job-name nor document-name: the printer names it (RFC 8011 §5.3.5).
    assert.equal(job.name, 'Untitled document');
    assert.equal(job.sha256, sha256(readFileSync(join(dir, 'three-pages.pdf'))));
  });
});
