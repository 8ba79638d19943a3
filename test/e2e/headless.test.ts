// The headless spooler as users and the OS run it (design.md, "Headless spooler" and "Control API"): its
// listening line, the public health route, clear refusals when the port or the data dir cannot be used, a
// graceful SIGTERM that lets an upload in flight finish, a fresh 0600 secret at each start, and logs that
// never hold a secret.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, createReadStream, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Job } from '../../main/spool/job.js';
import { downloadDocument, killChild, listAllJobs, uploadDocument } from '../helpers/control-client.js';
import { send } from '../helpers/http.js';
import { makePdf, sha256, writeBigPdf } from '../helpers/pdf.js';
import { walkTree } from '../helpers/spool-files.js';
import { spawnSpooler, startSpoolerProcess } from '../helpers/spooler-process.js';
import type { SpoolerProcess } from '../helpers/spooler-process.js';
import { tempDir } from '../helpers/temp-dir.js';

/** The exit code (or signal) of a child, or 'timeout' when it is still running after `ms`. */
function exitWithin(exited: Promise<number | string>, ms: number): Promise<number | string> {
  return Promise.race([exited, sleep(ms, 'timeout', { ref: false })]);
}

describe('the headless spooler', () => {
  const children: Array<{ child: SpoolerProcess['child']; exited: Promise<number | string> }> = [];
  const mounts: string[] = [];
  after(async () => {
    for (const c of children) await killChild(c.child, c.exited);
    for (const m of mounts) {
      try {
        execFileSync('umount', [m], { stdio: 'ignore' });
      } catch {
        execFileSync('umount', ['-l', m], { stdio: 'ignore' });
      }
    }
  });

  async function start(dataDir: string, extra: string[] = ['--hot-folder', 'off']): Promise<SpoolerProcess> {
    const sp = await startSpoolerProcess(dataDir, extra);
    children.push(sp);
    return sp;
  }

  function spawnTracked(args: string[]) {
    const p = spawnSpooler(args);
    children.push(p);
    return p;
  }

  it('prints one listening line per port on stdout and answers GET /v1/health without the secret', async (t) => {
    const sp = await start(join(tempDir(t), 'data'));
    await sleep(500);
    const health = await send({ port: sp.port, path: '/v1/health' });
    assert.equal(health.status, 200, health.body.toString('utf8'));
    const body = health.json<{ status: string; version: unknown; ports: Record<string, number> }>();
    assert.equal(body.status, 'ok');
    assert.equal(typeof body.version, 'string');
    assert.equal(body.ports.control, sp.port, 'health names the control port');

    const lines = sp
      .stdout()
      .split('\n')
      .filter((l) => /listening/i.test(l));
    assert.equal(
      lines.filter((l) => l === `control API listening on http://127.0.0.1:${sp.port}`).length,
      1,
      `one control API listening line: ${sp.stdout()}`,
    );
    assert.equal(lines.length, Object.keys(body.ports).length, `one listening line per port: ${sp.stdout()}`);
    for (const port of Object.values(body.ports)) {
      assert.equal(
        lines.filter((l) => l.includes(`127.0.0.1:${port}`)).length,
        1,
        `one line names port ${port}`,
      );
    }

    const jobs = await send({ port: sp.port, path: '/v1/jobs' });
    assert.equal(jobs.status, 401, 'the other routes need the secret');
  });

  it('refuses a second spooler on the same port with a non-zero exit and a message naming the port', async (t) => {
    const first = await start(join(tempDir(t), 'first'));
    const ports = (await send({ port: first.port, path: '/v1/health' })).json<{
      ports: Record<string, number>;
    }>().ports;
    const taken: Array<{ flag: string; port: number }> = [{ flag: '--control-port', port: first.port }];
    if (ports.ipp !== undefined) taken.push({ flag: '--ipp-port', port: ports.ipp });
    for (const { flag, port } of taken) {
      const args = ['--data-dir', join(tempDir(t), 'second'), '--control-port', '0', '--ipp-port', '0'];
      args[args.indexOf(flag) + 1] = String(port);
      const second = spawnTracked([...args, '--hot-folder', 'off']);
      const code = await exitWithin(second.exited, 30_000);
      assert.ok(typeof code === 'number' && code !== 0, `${flag} ${port}: exits non-zero, not ${code}`);
      assert.ok(
        second.err().includes(String(port)),
        `${flag} ${port}: the message names the port: ${second.err()}`,
      );
      assert.doesNotMatch(second.err(), /^\s+at /m, `${flag} ${port}: the message is not a stack trace`);
      assert.doesNotMatch(
        second.out(),
        /listening/,
        `${flag} ${port}: the second spooler never claims to listen`,
      );
    }
    assert.equal(
      (await send({ port: first.port, path: '/v1/health' })).status,
      200,
      'the first one still answers',
    );
  });

  it('refuses a second spooler on the same data dir with a message about the data dir and leaves the first working', async (t) => {
    const dataDir = join(tempDir(t), 'data');
    const first = await start(dataDir);
    const tokenFile = readFileSync(join(dataDir, 'control-token'), 'utf8');
    const second = spawnTracked([
      '--data-dir',
      dataDir,
      '--control-port',
      '0',
      '--ipp-port',
      '0',
      '--hot-folder',
      'off',
    ]);
    const code = await exitWithin(second.exited, 30_000);
    assert.ok(typeof code === 'number' && code !== 0, `the second spooler exits non-zero, not ${code}`);
    assert.match(second.err(), /data dir/i, `the message is about the data dir: ${second.err()}`);
    assert.ok(second.err().includes(dataDir), `the message names ${dataDir}: ${second.err()}`);
    assert.doesNotMatch(second.out(), /listening/, 'the second spooler never claims to listen');
    assert.equal(
      readFileSync(join(dataDir, 'control-token'), 'utf8'),
      tokenFile,
      "the first one's secret is kept",
    );
    const jobs = await send({ port: first.port, path: '/v1/jobs', token: first.token });
    assert.equal(jobs.status, 200, 'the first spooler still works with its secret');
  });

  describe('exits non-zero with a clear message when the data dir is unusable', () => {
    async function assertRefused(dataDir: string): Promise<void> {
      const p = spawnTracked([
        '--data-dir',
        dataDir,
        '--control-port',
        '0',
        '--ipp-port',
        '0',
        '--hot-folder',
        'off',
      ]);
      const code = await exitWithin(p.exited, 30_000);
      assert.ok(typeof code === 'number' && code !== 0, `exits non-zero, not ${code}`);
      assert.doesNotMatch(p.out(), /listening/, 'never claims to listen');
      const err = p.err();
      assert.ok(err.includes(dataDir), `the message names ${dataDir}: ${err}`);
      assert.match(err, /data dir/i, `the message says the data dir is the problem: ${err}`);
      assert.doesNotMatch(err, /^\s+at /m, `the message is not a stack trace: ${err}`);
    }

    it('a path under a regular file (unusable even for root)', async (t) => {
      const file = join(tempDir(t), 'a-file');
      writeFileSync(file, 'not a folder');
      await assertRefused(join(file, 'data'));
    });

    it('a path that is a regular file', async (t) => {
      const file = join(tempDir(t), 'a-file');
      writeFileSync(file, 'not a folder');
      await assertRefused(file);
    });

    it('a data dir whose spool folder is a regular file', async (t) => {
      const dataDir = join(tempDir(t), 'data');
      mkdirSync(dataDir);
      writeFileSync(join(dataDir, 'spool'), 'not a folder');
      await assertRefused(dataDir);
    });

    it('a data dir on a read-only file system (unwritable even for root)', async (t) => {
      const dir = join(tempDir(t), 'ro');
      mkdirSync(dir);
      try {
        execFileSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=1m', 'tmpfs', dir], { stdio: 'pipe' });
      } catch (err) {
        t.skip(`cannot mount a read-only tmpfs here (${String((err as Error).message).split('\n')[0]})`);
        return;
      }
      mounts.push(dir);
      try {
        await assertRefused(dir);
      } finally {
        execFileSync('umount', [dir], { stdio: 'ignore' });
        mounts.splice(mounts.indexOf(dir), 1);
      }
    });

    it('a data dir chmod 0500 (only where the tests do not run as root)', async (t) => {
      if (process.getuid?.() === 0) {
        t.skip('root ignores directory permissions; the read-only file system case covers root');
        return;
      }
      const dir = join(tempDir(t), 'locked');
      mkdirSync(dir);
      chmodSync(dir, 0o500);
      t.after(() => chmodSync(dir, 0o700));
      await assertRefused(dir);
    });
  });

  it(
    'lets a 50 MB upload in flight finish on SIGTERM, stops accepting, and exits 0',
    { timeout: 180_000 },
    async (t) => {
      const dir = tempDir(t);
      const dataDir = join(dir, 'data');
      const bigPath = join(dir, 'big.pdf');
      const bigSha = await writeBigPdf(bigPath, 50 * 1024 * 1024);
      const bigSize = statSync(bigPath).size;
      const sp = await start(dataDir);

      let sent = 0;
      let sentAtSignal = -1;
      // About 200 chunks of 256 KiB, 10 ms apart: the upload takes seconds, the signal comes at ~8 MB.
      const slow = new Transform({
        transform(chunk: Buffer, _enc, callback) {
          setTimeout(() => {
            sent += chunk.length;
            if (sentAtSignal < 0 && sent >= 8 * 1024 * 1024) {
              sentAtSignal = sent;
              sp.child.kill('SIGTERM');
            }
            callback(null, chunk);
          }, 10);
        },
      });
      const upload = uploadDocument({
        port: sp.port,
        token: sp.token,
        body: createReadStream(bigPath, { highWaterMark: 256 * 1024 }).pipe(slow),
        contentLength: bigSize,
        rawName: 'big.pdf',
      });
      while (sentAtSignal < 0) await sleep(20);

      // New connections are refused (or answered 503) while the upload in flight is still running.
      let uploadDone = false;
      void upload.then(
        () => (uploadDone = true),
        () => (uploadDone = true),
      );
      let during: number | string = 200;
      while (during === 200 && !uploadDone) {
        during = await send({ port: sp.port, path: '/v1/health' }).then(
          (r) => r.status,
          (err: { code?: string }) => err.code ?? 'error',
        );
        if (during === 200) await sleep(50);
      }
      // Refused: no listener (ECONNREFUSED), a 503, or a connection the kernel had queued just as the
      // listener closed, which is then reset (ECONNRESET); never an answer to the new request.
      assert.ok(
        during === 'ECONNREFUSED' || during === 'ECONNRESET' || during === 503,
        `a new request while the upload was in flight got ${during}`,
      );

      const res = await upload;
      assert.ok(sentAtSignal < bigSize, 'SIGTERM came while the body was still being sent');
      assert.equal(
        res.status,
        201,
        `the upload in flight finished: ${res.body.toString('utf8').slice(0, 300)}`,
      );
      const job = res.json<Job>();
      assert.equal(job.sha256, bigSha);
      assert.equal(job.size, bigSize);
      assert.equal(await exitWithin(sp.exited, 30_000), 0, `exits 0 after SIGTERM (stderr: ${sp.stderr()})`);

      const again = await start(dataDir);
      const listed = (await listAllJobs(again.port, again.token)).jobs.find((j) => j.id === job.id);
      assert.ok(listed, 'the job is there after a restart');
      const doc = await downloadDocument(again.port, again.token, job.id);
      assert.equal(doc.status, 200);
      assert.equal(doc.sha256, bigSha, 'its document is the one sent');
    },
  );

  it('writes control-token with mode 0600 and refuses the previous secret after a restart', async (t) => {
    const dataDir = join(tempDir(t), 'data');
    const tokenPath = join(dataDir, 'control-token');
    const first = await start(dataDir);
    assert.equal(statSync(tokenPath).mode & 0o777, 0o600, 'control-token is 0600');
    assert.equal((await send({ port: first.port, path: '/v1/jobs', token: first.token })).status, 200);
    first.child.kill('SIGTERM');
    assert.equal(await exitWithin(first.exited, 30_000), 0);

    chmodSync(tokenPath, 0o644);
    const second = await start(dataDir);
    assert.notEqual(second.token, first.token, 'each start creates a new secret');
    assert.equal(readFileSync(tokenPath, 'utf8').trim(), second.token);
    assert.equal(statSync(tokenPath).mode & 0o777, 0o600, 'control-token is 0600 again, whatever it was');
    const old = await send({ port: second.port, path: '/v1/jobs', token: first.token });
    assert.equal(old.status, 401, 'the previous secret is refused');
    const fresh = await send({ port: second.port, path: '/v1/jobs', token: second.token });
    assert.equal(fresh.status, 200, 'the new secret works');
  });

  it('never writes the control secret or a wrong bearer token to its logs, stdout or stderr', async (t) => {
    const dataDir = join(tempDir(t), 'data');
    const sp = await start(dataDir, ['--hot-folder', 'off', '--log-level', 'debug']);
    const pdf = await makePdf(1);

    // The good secret first, on routes that log: an upload, a refused upload, a download, a deletion.
    const created = await uploadDocument({
      port: sp.port,
      token: sp.token,
      body: pdf,
      rawName: 'secret-test.pdf',
    });
    assert.equal(created.status, 201);
    const id = created.json<Job>().id;
    const refused = await send({
      port: sp.port,
      method: 'POST',
      path: '/v1/jobs?name=not-a-pdf',
      token: sp.token,
      headers: { 'content-type': 'application/pdf' },
      body: 'this is not a PDF',
    });
    assert.ok(refused.status >= 400 && refused.status < 500, `a non-PDF is refused (${refused.status})`);
    assert.equal((await downloadDocument(sp.port, sp.token, id)).sha256, sha256(pdf));
    assert.equal(
      (await send({ port: sp.port, path: `/v1/jobs/${'0'.repeat(32)}`, token: sp.token })).status,
      404,
    );
    assert.equal((await send({ port: sp.port, path: '/v1/nowhere', token: sp.token })).status, 404);

    const wrong = [
      `wrong-${randomBytes(16).toString('hex')}`,
      randomBytes(32).toString('hex'),
      sp.token.slice(0, -4) + (sp.token.endsWith('0000') ? '1111' : '0000'),
    ];
    for (const bad of wrong) {
      const auths = [
        `Bearer ${bad}`,
        `bearer ${bad}`,
        bad,
        `Basic ${Buffer.from(`user:${bad}`).toString('base64')}`,
      ];
      for (const authorization of auths) {
        const requests = [
          { method: 'GET', path: '/v1/jobs' },
          { method: 'GET', path: `/v1/jobs/${id}` },
          { method: 'GET', path: `/v1/jobs/${id}/document` },
          { method: 'DELETE', path: `/v1/jobs/${id}` },
          { method: 'GET', path: '/v1/events' },
          { method: 'POST', path: '/v1/jobs?name=x', body: pdf },
        ];
        for (const r of requests) {
          const res = await send({
            port: sp.port,
            ...r,
            headers: { authorization, 'content-type': 'application/pdf' },
          });
          assert.equal(res.status, 401, `${r.method} ${r.path} with a wrong secret is refused`);
        }
      }
      const misdirected = await send({
        port: sp.port,
        path: '/v1/jobs',
        host: 'evil.example:80',
        headers: { authorization: `Bearer ${bad}` },
      });
      assert.equal(misdirected.status, 421);
      const crossSite = await send({
        port: sp.port,
        path: '/v1/jobs',
        headers: { authorization: `Bearer ${bad}`, origin: 'https://evil.example' },
      });
      assert.equal(crossSite.status, 403);
      const inQuery = await send({
        port: sp.port,
        path: `/v1/jobs?token=${bad}`,
        headers: { authorization: bad },
      });
      assert.equal(inQuery.status, 401);
    }
    const deleted = await send({ port: sp.port, method: 'DELETE', path: `/v1/jobs/${id}`, token: sp.token });
    assert.equal(deleted.status, 204, 'the job survived every wrong secret');

    sp.child.kill('SIGTERM');
    assert.equal(await exitWithin(sp.exited, 30_000), 0);
    const logsDir = join(dataDir, 'logs');
    const logs = walkTree(logsDir)
      .map((f) => join(logsDir, f))
      .filter((p) => statSync(p).isFile())
      .map((p) => readFileSync(p, 'utf8'))
      .join('\n');
    assert.match(logs, /spooler ready/, 'the log files were read (they hold the start-up line)');
    assert.match(logs, /upload was refused/, 'the log files hold the refused upload');
    const outputs: Record<string, string> = { 'log files': logs, stdout: sp.stdout(), stderr: sp.stderr() };
    for (const [where, text] of Object.entries(outputs)) {
      assert.ok(!text.includes(sp.token), `the control secret is not in the ${where}`);
      for (const bad of wrong)
        assert.ok(!text.includes(bad), `the wrong token ${bad} is not in the ${where}`);
    }
  });
});
