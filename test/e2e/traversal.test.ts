// Path traversal against the control API of a child spooler: ids and names from a traversal corpus never reach
// the file system as paths (design.md, "Control API"; recovery.ts: "every spool name is derived from a job
// id, never from a client"), and a symlink planted in the spool is never followed, at start-up or while
// running. Canary files outside the spool prove that nothing was written, replaced or deleted there.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { lstatSync, mkdirSync, mkdtempSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Job } from '../../main/spool/job.js';
import { downloadDocument, killChild, listAllJobs, uploadDocument } from '../helpers/control-client.js';
import { send } from '../helpers/http.js';
import type { RawResponse } from '../helpers/http.js';
import { makePdf, sha256 } from '../helpers/pdf.js';
import {
  SPOOL_FILE,
  damagedEntries,
  entries,
  spoolEntries,
  stampFile,
  walkTree,
} from '../helpers/spool-files.js';
import type { FileStamp } from '../helpers/spool-files.js';
import { REPO_ROOT, startSpoolerProcess } from '../helpers/spooler-process.js';
import type { SpoolerProcess } from '../helpers/spooler-process.js';
import { tempDir } from '../helpers/temp-dir.js';
import { allowedFor, idCorpus } from '../helpers/traversal-corpus.js';

/** Job names, as the application meant them (sent percent-encoded); `marker` makes files named after them findable. */
function nameCorpus(real: string, marker: string): string[] {
  return [
    '../canary',
    '../../canary',
    '../../../../../../../../etc/passwd',
    '..\\..\\canary',
    '..%2f..%2fcanary',
    '%2e%2e%2fcanary',
    '%252e%252e%252fcanary',
    '..%5c..%5ccanary',
    'canary\u0000.pdf',
    '\u0000',
    '％２ｅ％２ｅ／canary',
    '．．／．．／canary',
    'C:\\Windows\\win.ini',
    '\\\\server\\share\\canary',
    '/etc/passwd',
    real,
    `${real}.pdf`,
    `${real}.json`,
    `../spool/${real}.pdf`,
    `../${marker}`,
    `../../${marker}`,
    `../../../${marker}`,
    `..\\..\\${marker}`,
    `%2e%2e%2f${marker}`,
    `％２ｅ％２ｅ／${marker}`,
    `．．／${marker}`,
    `/tmp/${marker}`,
    join(tmpdir(), marker),
    `C:\\Windows\\${marker}.ini`,
    `\\\\server\\share\\${marker}`,
    `${marker}\u0000.pdf`,
    marker,
    'n'.repeat(1024),
    'n'.repeat(1025),
    `../${'x'.repeat(5000)}`,
  ];
}

function describeResponse(res: RawResponse): string {
  return `${res.status} ${res.body.toString('utf8').slice(0, 200)}`;
}

/** Asserts a refusal is a clear JSON error: `{ error, message }`. */
function assertJsonError(res: { status: number; body: Buffer }, what: string): void {
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(res.body.toString('utf8')) as Record<string, unknown>;
  } catch {
    assert.fail(`${what}: the refusal is not JSON: ${res.status} ${res.body.toString('utf8').slice(0, 200)}`);
  }
  assert.equal(typeof body.message, 'string', `${what}: the refusal has a message`);
}

describe('path traversal on the control API', () => {
  let root: string;
  let dataDir: string;
  let sibling: string;
  let sp: SpoolerProcess;
  let real: Job;
  let realPdf: Buffer;
  const canaries: Array<{ path: string; stamp: FileStamp }> = [];

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'cps-traversal-'));
    sibling = mkdtempSync(join(tmpdir(), 'cps-canary-'));
    dataDir = join(root, 'data');
    for (const path of [join(root, 'canary'), join(sibling, 'canary')]) {
      writeFileSync(path, `canary ${randomBytes(16).toString('hex')}\n`);
      canaries.push({ path, stamp: stampFile(path) });
    }
    sp = await startSpoolerProcess(dataDir);
    realPdf = await makePdf(1, { title: 'the real job' });
    const res = await uploadDocument({ port: sp.port, token: sp.token, body: realPdf, rawName: 'real.pdf' });
    assert.equal(res.status, 201, describeResponse(res));
    real = res.json<Job>();
  });
  after(async () => {
    if (sp) await killChild(sp.child, sp.exited);
    if (root) rmSync(root, { recursive: true, force: true });
    if (sibling) rmSync(sibling, { recursive: true, force: true });
  });

  function assertCanariesIntact(when: string): void {
    for (const c of canaries) {
      assert.deepEqual(stampFile(c.path), c.stamp, `the canary ${c.path} is untouched ${when}`);
    }
  }

  async function assertRealJobIntact(when: string): Promise<void> {
    const res = await send({ port: sp.port, path: `/v1/jobs/${real.id}`, token: sp.token });
    assert.equal(res.status, 200, `the real job is still there ${when}`);
    const doc = await downloadDocument(sp.port, sp.token, real.id);
    assert.equal(doc.status, 200, `the real job's document is served ${when}`);
    assert.equal(doc.sha256, sha256(realPdf), `the real job's document is unchanged ${when}`);
  }

  it('refuses every traversal id on GET /v1/jobs/:id with 400 or 404', async () => {
    for (const segment of idCorpus(real.id)) {
      const res = await send({ port: sp.port, path: `/v1/jobs/${segment}`, token: sp.token });
      const what = `GET /v1/jobs/${segment.slice(0, 80)}`;
      assert.ok(allowedFor(segment).includes(res.status), `${what} answered ${describeResponse(res)}`);
      assertJsonError(res, what);
    }
    assertCanariesIntact('after GET /v1/jobs/:id');
  });

  it('refuses every traversal id on GET /v1/jobs/:id/document and never serves a file', async () => {
    const canaryBytes = canaries.map((c) => c.stamp.sha256);
    for (const segment of idCorpus(real.id)) {
      const res = await send({ port: sp.port, path: `/v1/jobs/${segment}/document`, token: sp.token });
      const what = `GET /v1/jobs/${segment.slice(0, 80)}/document`;
      assert.ok(allowedFor(segment).includes(res.status), `${what} answered ${describeResponse(res)}`);
      assert.notEqual(res.headers['content-type'], 'application/pdf', `${what} serves no document`);
      assert.ok(!canaryBytes.includes(sha256(res.body)), `${what} does not serve a canary`);
      assertJsonError(res, what);
    }
    assertCanariesIntact('after GET /v1/jobs/:id/document');
  });

  it('refuses every traversal id on DELETE /v1/jobs/:id and deletes nothing', async () => {
    for (const segment of idCorpus(real.id)) {
      const res = await send({
        port: sp.port,
        method: 'DELETE',
        path: `/v1/jobs/${segment}`,
        token: sp.token,
      });
      const what = `DELETE /v1/jobs/${segment.slice(0, 80)}`;
      assert.ok(allowedFor(segment).includes(res.status), `${what} answered ${describeResponse(res)}`);
      assertJsonError(res, what);
      await assertRealJobIntact(`after ${what}`);
    }
    assertCanariesIntact('after DELETE /v1/jobs/:id');
  });

  it('refuses every traversal id as the paging cursor of GET /v1/jobs', async () => {
    for (const segment of idCorpus(real.id)) {
      const res = await send({ port: sp.port, path: `/v1/jobs?cursor=${segment}`, token: sp.token });
      const what = `GET /v1/jobs?cursor=${segment.slice(0, 80)}`;
      const allowed = segment.length > 16_000 ? [400, 414, 431] : [400];
      assert.ok(allowed.includes(res.status), `${what} answered ${describeResponse(res)}`);
      assertJsonError(res, what);
    }
  });

  it('stores every traversal name as data and writes no file named after it', async () => {
    const marker = `cps-trav-${randomBytes(6).toString('hex')}`;
    const searched = [REPO_ROOT, dirname(REPO_ROOT), tmpdir(), '/', root, dataDir, sibling];
    const treeBefore = new Set(walkTree(root));
    const created: Job[] = [];
    for (const name of nameCorpus(real.id, marker)) {
      const res = await uploadDocument({
        port: sp.port,
        token: sp.token,
        body: realPdf,
        rawName: encodeURIComponent(name),
      });
      const what = `POST /v1/jobs?name=${JSON.stringify(name.slice(0, 80))}`;
      if (name.length > 1024) {
        assert.equal(
          res.status,
          400,
          `${what} (over the 1024-character limit) answered ${describeResponse(res)}`,
        );
        assertJsonError(res, what);
        continue;
      }
      assert.equal(res.status, 201, `${what} answered ${describeResponse(res)}`);
      const job = res.json<Job>();
      assert.equal(job.name, name, `${what}: the name is stored exactly, as data`);
      assert.match(job.id, /^[0-9a-f]{32}$/, `${what}: the id is the spooler's own`);
      const again = await send({ port: sp.port, path: `/v1/jobs/${job.id}`, token: sp.token });
      assert.equal(again.json<Job>().name, name, `${what}: GET answers the same name`);
      const doc = await downloadDocument(sp.port, sp.token, job.id);
      assert.equal(doc.sha256, sha256(realPdf), `${what}: the document is the one sent`);
      const disposition = String(doc.headers['content-disposition'] ?? '');
      const plain = /filename="([^"]*)"/.exec(disposition)?.[1];
      assert.ok(plain !== undefined, `${what}: the download names a file (${disposition})`);
      assert.ok(
        !/[/\\\0]/.test(plain),
        `${what}: the download's filename has no path in it (${disposition})`,
      );
      created.push(job);
    }

    assert.deepEqual(
      spoolEntries(dataDir).filter((f) => !SPOOL_FILE.test(f)),
      [],
      'the spool holds only <32 hex>.pdf and .json files',
    );
    const ids = new Set((await listAllJobs(sp.port, sp.token)).jobs.map((j) => j.id));
    for (const job of created)
      assert.ok(ids.has(job.id), `job ${job.id} (${JSON.stringify(job.name)}) is listed`);
    const newPaths = walkTree(root).filter((p) => !treeBefore.has(p));
    assert.deepEqual(
      newPaths.filter(
        (p) => !/^data\/spool\/[0-9a-f]{32}\.(pdf|json)$/.test(p) && !/^data\/logs\/[^/]+$/.test(p),
      ),
      [],
      'nothing but job files appeared around the data dir',
    );
    for (const dir of searched) {
      assert.deepEqual(
        entries(dir).filter((e) => e.includes(marker)),
        [],
        `no file named after a job name appeared in ${dir}`,
      );
    }
    for (const dir of [root, sibling]) {
      assert.deepEqual(
        walkTree(dir).filter((e) => e.includes(marker)),
        [],
        `no file named after a job name appeared under ${dir}`,
      );
    }
    assertCanariesIntact('after the uploads with traversal names');
    await assertRealJobIntact('after the uploads with traversal names');
  });
});

describe('a symlink planted in the spool', () => {
  const children: SpoolerProcess[] = [];
  after(async () => {
    for (const c of children) await killChild(c.child, c.exited);
  });

  /** A canary outside the spool with exactly the document's size, so that a size check alone cannot tell. */
  function plantCanary(dir: string, size: number): { path: string; bytes: Buffer; stamp: FileStamp } {
    const bytes = Buffer.concat([Buffer.from('%PDF-1.7\n% canary\n'), randomBytes(size)]).subarray(0, size);
    const path = join(dir, 'canary');
    writeFileSync(path, bytes);
    return { path, bytes, stamp: stampFile(path) };
  }

  async function upload(sp: SpoolerProcess, pdf: Buffer): Promise<Job> {
    const res = await uploadDocument({ port: sp.port, token: sp.token, body: pdf, rawName: 'doc.pdf' });
    assert.equal(res.status, 201, describeResponse(res));
    return res.json<Job>();
  }

  it('is not followed at the next start: the job is failed or the link moved to damaged/, and deleting it spares the target', async (t) => {
    const root = tempDir(t, 'cps-symlink-stopped-');
    const dataDir = join(root, 'data');
    const first = await startSpoolerProcess(dataDir);
    children.push(first);
    const pdfA = await makePdf(1, { padBytes: 4096, title: 'A' });
    const pdfB = await makePdf(1, { padBytes: 4096, title: 'B' });
    const jobA = await upload(first, pdfA);
    const jobB = await upload(first, pdfB);
    first.child.kill('SIGTERM');
    assert.equal(await first.exited, 0, 'the first spooler stops cleanly');

    mkdirSync(join(root, 'outside'));
    const canary = plantCanary(join(root, 'outside'), jobA.size);
    const link = join(dataDir, 'spool', `${jobA.id}.pdf`);
    rmSync(link);
    symlinkSync(canary.path, link);

    const sp = await startSpoolerProcess(dataDir);
    children.push(sp);
    const listed = await send({ port: sp.port, path: `/v1/jobs/${jobA.id}`, token: sp.token });
    const movedAside = damagedEntries(dataDir).filter((e) => {
      const p = join(dataDir, 'damaged', e);
      return e.endsWith(`${jobA.id}.pdf`) && lstatSync(p).isSymbolicLink() && readlinkSync(p) === canary.path;
    });
    assert.ok(
      (listed.status === 200 && listed.json<Job>().state === 'failed') || movedAside.length === 1,
      `the job is listed as failed, or its link is in damaged/ (GET answered ${describeResponse(listed)}, damaged/: ${damagedEntries(dataDir).join(', ')})`,
    );
    const doc = await downloadDocument(sp.port, sp.token, jobA.id);
    assert.ok(doc.status >= 400 && doc.status < 500, `GET document answers 4xx, not ${doc.status}`);
    assert.ok(!doc.body.includes(canary.bytes.subarray(0, 64)), 'the canary bytes are never served');

    const del = await send({ port: sp.port, method: 'DELETE', path: `/v1/jobs/${jobA.id}`, token: sp.token });
    assert.ok(
      del.status === 204 || (del.status === 404 && listed.status === 404),
      `DELETE answered ${del.status}`,
    );
    assert.deepEqual(stampFile(canary.path), canary.stamp, 'the symlink target is untouched');
    assert.equal(
      (await send({ port: sp.port, path: `/v1/jobs/${jobA.id}`, token: sp.token })).status,
      404,
      'the job is gone',
    );

    const docB = await downloadDocument(sp.port, sp.token, jobB.id);
    assert.equal(docB.sha256, sha256(pdfB), 'the other job is intact');
  });

  it('is not followed while running: GET document answers 4xx and DELETE removes only the link', async (t) => {
    const root = tempDir(t, 'cps-symlink-running-');
    const dataDir = join(root, 'data');
    const sp = await startSpoolerProcess(dataDir);
    children.push(sp);
    const pdf = await makePdf(2, { padBytes: 10_000, title: 'C' });
    const job = await upload(sp, pdf);
    const before = await downloadDocument(sp.port, sp.token, job.id);
    assert.equal(before.sha256, sha256(pdf), 'the document is served before the swap');

    mkdirSync(join(root, 'outside'));
    const canary = plantCanary(join(root, 'outside'), job.size);
    const link = join(dataDir, 'spool', `${job.id}.pdf`);
    rmSync(link);
    symlinkSync(canary.path, link);

    const doc = await downloadDocument(sp.port, sp.token, job.id);
    assert.ok(doc.status >= 400 && doc.status < 500, `GET document answers 4xx, not ${doc.status}`);
    assert.notEqual(doc.sha256, canary.stamp.sha256, 'the canary is not served');
    assert.ok(!doc.body.includes(canary.bytes.subarray(0, 64)), 'no canary bytes are served');
    assertJsonError(doc, 'GET document through a symlink');

    const del = await send({ port: sp.port, method: 'DELETE', path: `/v1/jobs/${job.id}`, token: sp.token });
    assert.equal(del.status, 204, `DELETE answered ${describeResponse(del)}`);
    assert.throws(() => lstatSync(link), { code: 'ENOENT' }, 'the link is removed from the spool');
    assert.deepEqual(stampFile(canary.path), canary.stamp, 'the symlink target is untouched');
    assert.deepEqual(spoolEntries(dataDir), [], 'nothing is left of the job in the spool');
  });
});
