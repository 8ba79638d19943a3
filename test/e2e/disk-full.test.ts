// A full disk, for real (design.md, "Quality bars": bad input gets a clear error and nothing already stored is
// lost): the data dir is a small tmpfs (or a loop-mounted file system), a document bigger than the free space
// is refused with 507 `disk-full` and leaves nothing behind, earlier jobs stay intact, deleting a job makes
// room again, and all of it survives restarts. The in-process ENOSPC injection is tested elsewhere.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statfsSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Job } from '../../main/spool/job.js';
import { downloadDocument, killChild, listAllJobs, uploadDocument } from '../helpers/control-client.js';
import type { UploadResponse } from '../helpers/control-client.js';
import { send } from '../helpers/http.js';
import { makePdf, sha256 } from '../helpers/pdf.js';
import { SPOOL_FILE, damagedEntries, spoolEntries } from '../helpers/spool-files.js';
import { spawnSpooler, startSpoolerProcess } from '../helpers/spooler-process.js';
import type { SpoolerProcess } from '../helpers/spooler-process.js';

const FS_BYTES = 8 * 1024 * 1024;

/** Mounts a small file system at `dir`: tmpfs, else a loop-mounted ext4 image; returns why it could not. */
function mountSmallFs(dir: string, image: string): { how: string } | { skip: string } {
  const errors: string[] = [];
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${FS_BYTES},mode=0700`, 'tmpfs', dir], {
      stdio: 'pipe',
    });
    return { how: 'tmpfs' };
  } catch (err) {
    errors.push(`tmpfs: ${String((err as Error).message).split('\n')[0]}`);
  }
  try {
    execFileSync('truncate', ['-s', String(2 * FS_BYTES), image], { stdio: 'pipe' });
    execFileSync('mkfs.ext4', ['-q', '-F', '-m', '0', image], { stdio: 'pipe' });
    execFileSync('mount', ['-o', 'loop', image, dir], { stdio: 'pipe' });
    return { how: 'loop-mounted ext4' };
  } catch (err) {
    errors.push(`loop: ${String((err as Error).message).split('\n')[0]}`);
  }
  return {
    skip: `no small file system could be mounted (needs root: ${errors.join('; ')}); the ENOSPC injection tests cover the logic`,
  };
}

/** Bytes an unprivileged writer can still use on the file system holding `dir`. */
function freeBytes(dir: string): number {
  const s = statfsSync(dir);
  return s.bavail * s.bsize;
}

/** The error body of a refusal, or a failure naming what came instead. */
function errorBody(res: UploadResponse): { error: string; message: string } {
  try {
    return res.json<{ error: string; message: string }>();
  } catch {
    assert.fail(`the refusal is not JSON: ${res.status} ${res.body.toString('utf8').slice(0, 200)}`);
  }
}

describe('a full disk under the data dir', () => {
  let root = '';
  let mnt = '';
  let dataDir = '';
  let mounted = false;
  let skip: string | null = null;
  let sp: SpoolerProcess;
  const children: Array<{ child: SpoolerProcess['child']; exited: Promise<number | string> }> = [];
  /** Jobs that must be there, with the SHA-256 of what was sent. */
  const kept = new Map<string, string>();
  const filler = () => join(mnt, 'filler');

  before(() => {
    root = mkdtempSync(join(tmpdir(), 'cps-disk-full-'));
    mnt = join(root, 'mnt');
    mkdirSync(mnt);
    const result = mountSmallFs(mnt, join(root, 'fs.img'));
    if ('skip' in result) skip = result.skip;
    else mounted = true;
    dataDir = join(mnt, 'data');
  });
  after(async () => {
    for (const c of children) await killChild(c.child, c.exited);
    if (mounted) {
      try {
        execFileSync('umount', [mnt], { stdio: 'pipe' });
      } catch {
        execFileSync('umount', ['-l', mnt], { stdio: 'pipe' });
      }
    }
    rmSync(root, { recursive: true, force: true });
  });

  async function start(): Promise<SpoolerProcess> {
    const p = await startSpoolerProcess(dataDir);
    children.push(p);
    return p;
  }

  async function assertSpoolConsistent(p: SpoolerProcess, when: string): Promise<void> {
    const files = spoolEntries(dataDir);
    assert.deepEqual(
      files.filter((f) => !SPOOL_FILE.test(f)),
      [],
      `no temp or stray file in the spool ${when}`,
    );
    const { jobs } = await listAllJobs(p.port, p.token);
    assert.deepEqual(
      jobs.map((j) => j.id).sort(),
      [...kept.keys()].sort(),
      `exactly the kept jobs are listed ${when}`,
    );
    assert.deepEqual(
      files,
      jobs.flatMap((j) => [`${j.id}.json`, `${j.id}.pdf`]).sort(),
      `the spool holds exactly their files ${when}`,
    );
    for (const job of jobs) {
      assert.equal(job.state, 'held', `job ${job.id} is held ${when}`);
      const doc = await downloadDocument(p.port, p.token, job.id);
      assert.equal(doc.status, 200, `job ${job.id} is served ${when}`);
      assert.equal(doc.sha256, kept.get(job.id), `job ${job.id} is intact ${when}`);
    }
    assert.deepEqual(damagedEntries(dataDir), [], `nothing was moved to damaged/ ${when}`);
  }

  async function upload(p: SpoolerProcess, pdf: Buffer, name: string): Promise<UploadResponse> {
    return uploadDocument({ port: p.port, token: p.token, body: pdf, rawName: name });
  }

  it('acknowledges small uploads on a small file system', async (t) => {
    if (skip !== null) return t.skip(skip);
    sp = await start();
    for (let i = 0; i < 3; i++) {
      const pdf = await makePdf(1 + i, { padBytes: 300 * 1024, title: `small ${i}` });
      const res = await upload(sp, pdf, `small-${i}.pdf`);
      assert.equal(res.status, 201, res.body.toString('utf8'));
      kept.set(res.json<Job>().id, sha256(pdf));
    }
    await assertSpoolConsistent(sp, 'after the small uploads');
  });

  it('refuses a document bigger than the free space with 507 disk-full and keeps nothing of it', async (t) => {
    if (skip !== null) return t.skip(skip);
    const free = freeBytes(mnt);
    const big = await makePdf(1, { padBytes: free + 1024 * 1024, title: 'too big' });
    const res = await upload(sp, big, 'too-big.pdf');
    assert.equal(res.status, 507, `answered ${res.status} ${res.body.toString('utf8').slice(0, 200)}`);
    const body = errorBody(res);
    assert.equal(body.error, 'disk-full');
    assert.match(body.message, /full|space/i, 'the message says what happened');
    await sleep(200);
    assert.ok(
      freeBytes(mnt) >= free - 256 * 1024,
      'the space of the refused document is given back (no open temp file)',
    );
    assert.equal((await send({ port: sp.port, path: '/v1/health' })).status, 200, 'the spooler is still up');
    await assertSpoolConsistent(sp, 'after the refused upload');
  });

  it('refuses a document that fills the disk up to its last block, before its metadata, with 507', async (t) => {
    if (skip !== null) return t.skip(skip);
    // The document fits but its metadata does not: the commit itself meets ENOSPC.
    const free = freeBytes(mnt);
    const probe = await makePdf(1, { padBytes: 1, title: 'exact' });
    const exact = await makePdf(1, { padBytes: free - probe.length - 16, title: 'exact' });
    const res = await upload(sp, exact, 'exact.pdf');
    assert.equal(res.status, 507, `answered ${res.status} ${res.body.toString('utf8').slice(0, 200)}`);
    const body = errorBody(res);
    assert.equal(body.error, 'disk-full');
    t.diagnostic(`the upload that filled the disk was refused with: ${body.message}`);
    await sleep(200);
    assert.ok(freeBytes(mnt) >= free - 256 * 1024, 'the space of the refused document is given back');
    assert.equal((await send({ port: sp.port, path: '/v1/health' })).status, 200, 'the spooler is still up');
    await assertSpoolConsistent(sp, 'after the upload that filled the disk');
  });

  it('accepts a new upload once a job is deleted on a disk filled by something else', async (t) => {
    if (skip !== null) return t.skip(skip);
    writeFileSync(filler(), Buffer.alloc(Math.max(0, freeBytes(mnt) - 64 * 1024)));
    const pdf = await makePdf(1, { padBytes: 200 * 1024, title: 'after freeing' });
    const refused = await upload(sp, pdf, 'no-room.pdf');
    assert.equal(
      refused.status,
      507,
      `answered ${refused.status} ${refused.body.toString('utf8').slice(0, 200)}`,
    );
    assert.equal(errorBody(refused).error, 'disk-full');
    await assertSpoolConsistent(sp, 'with the disk full');

    const victim = [...kept.keys()].sort()[0] as string;
    const del = await send({ port: sp.port, method: 'DELETE', path: `/v1/jobs/${victim}`, token: sp.token });
    assert.equal(del.status, 204, 'a job can be deleted on a full disk');
    kept.delete(victim);
    const res = await upload(sp, pdf, 'after-freeing.pdf');
    assert.equal(res.status, 201, `answered ${res.status} ${res.body.toString('utf8').slice(0, 200)}`);
    kept.set(res.json<Job>().id, sha256(pdf));
    await assertSpoolConsistent(sp, 'after freeing space');
  });

  it('starts on the completely full disk and serves every job, or refuses clearly and loses nothing', async (t) => {
    if (skip !== null) return t.skip(skip);
    sp.child.kill('SIGTERM');
    assert.equal(await sp.exited, 0, `the spooler stops cleanly on a full disk (stderr: ${sp.stderr()})`);
    writeFileSync(join(mnt, 'filler-2'), Buffer.alloc(freeBytes(mnt)));
    // Fill what is left block by block: the last bytes of a tmpfs are not always reachable in one write.
    for (let i = 0; freeBytes(mnt) > 0 && i < 64; i++) {
      try {
        writeFileSync(join(mnt, `filler-tail-${i}`), Buffer.alloc(Math.min(freeBytes(mnt), 4096)));
      } catch {
        break;
      }
    }
    const p = spawnSpooler([
      '--data-dir',
      dataDir,
      '--control-port',
      '0',
      '--ipp-port',
      '0',
      '--mfp-port',
      '0',
      '--mfp-host',
      '127.0.0.1',
      '--hot-folder',
      'off',
    ]);
    children.push(p);
    let code: number | string | null = null;
    void p.exited.then((c) => (code = c));
    const listening = /control API listening on http:\/\/127\.0\.0\.1:(\d+)/;
    for (let waited = 0; code === null && !listening.test(p.out()) && waited < 30_000; waited += 50)
      await sleep(50);
    const port = listening.exec(p.out())?.[1];
    if (port !== undefined) {
      const full: SpoolerProcess = {
        child: p.child,
        port: Number(port),
        ippPort: Number(/virtual printer listening on ipp:\/\/127\.0\.0\.1:(\d+)/.exec(p.out())?.[1] ?? NaN),
        mfpPort: Number(/MFP job server listening on \S+:(\d+)/.exec(p.out())?.[1] ?? NaN),
        token: readFileSync(join(dataDir, 'control-token'), 'utf8').trim(),
        dataDir,
        stdout: p.out,
        stderr: p.err,
        exited: p.exited,
      };
      t.diagnostic('the spooler started on the full disk');
      await assertSpoolConsistent(full, 'served from a full disk');
      p.child.kill('SIGTERM');
      assert.equal(await p.exited, 0, `stops cleanly (stderr: ${p.err()})`);
    } else {
      t.diagnostic(`the spooler refused to start on the full disk: ${p.err().trim()}`);
      assert.ok(code !== null, `the spooler neither listened nor exited: ${p.err()}`);
      assert.ok(typeof code === 'number' && code !== 0, `a refusal to start exits non-zero, not ${code}`);
      assert.match(p.err(), /ENOSPC|full|space/i, `the message says the disk is full: ${p.err()}`);
      assert.doesNotMatch(p.err(), /^\s+at /m, `the message is not a stack trace: ${p.err()}`);
    }
    for (const f of ['filler', 'filler-2', ...Array.from({ length: 64 }, (_, i) => `filler-tail-${i}`)]) {
      try {
        unlinkSync(join(mnt, f));
      } catch {
        // not every tail file was needed
      }
    }
  });

  it('keeps every job intact across a restart on the same file system', async (t) => {
    if (skip !== null) return t.skip(skip);
    sp = await start();
    await assertSpoolConsistent(sp, 'after a restart');
    const pdf = await makePdf(1, { padBytes: 100 * 1024, title: 'after restart' });
    const res = await upload(sp, pdf, 'after-restart.pdf');
    assert.equal(res.status, 201, res.body.toString('utf8'));
    kept.set(res.json<Job>().id, sha256(pdf));
    sp.child.kill('SIGTERM');
    assert.equal(await sp.exited, 0);
    sp = await start();
    await assertSpoolConsistent(sp, 'after a second restart');
  });
});
