// The MFP job server of the headless spooler as users run it (issue 5): its listening line, HTTPS with the
// certificate kept in the data dir, every request refused until a session provides trust, plain HTTP only on
// request, and a clear refusal when its port is taken.
import assert from 'node:assert/strict';
import { X509Certificate, createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { killChild } from '../helpers/control-client.js';
import { send } from '../helpers/http.js';
import { mfpRequest } from '../helpers/mfp-client.js';
import { spawnSpooler, startSpoolerProcess } from '../helpers/spooler-process.js';
import type { SpoolerProcess } from '../helpers/spooler-process.js';
import { tempDir } from '../helpers/temp-dir.js';

function pinOf(dataDir: string): string {
  const pem = readFileSync(join(dataDir, 'mfp-tls.pem'), 'utf8');
  const cert = new X509Certificate(pem.slice(pem.indexOf('-----BEGIN CERTIFICATE-----')));
  return createHash('sha256').update(cert.raw).digest('hex');
}

function listeningLines(sp: SpoolerProcess): string[] {
  return sp
    .stdout()
    .split('\n')
    .filter((l) => /listening/.test(l));
}

describe('the MFP job server of the headless spooler', () => {
  const children: Array<{ child: SpoolerProcess['child']; exited: Promise<number | string> }> = [];
  after(async () => {
    for (const c of children) await killChild(c.child, c.exited);
  });
  async function start(dataDir: string, extra: string[] = []): Promise<SpoolerProcess> {
    const sp = await startSpoolerProcess(dataDir, ['--hot-folder', 'off', ...extra]);
    children.push(sp);
    return sp;
  }

  it('prints its listening line after the other two, serves HTTPS with the stored certificate and refuses every ticket while nobody is logged in', async (t) => {
    const dataDir = join(tempDir(t), 'data');
    const sp = await start(dataDir);
    const lines = listeningLines(sp);
    assert.deepEqual(lines, [
      `control API listening on http://127.0.0.1:${sp.port}`,
      `virtual printer listening on ipp://127.0.0.1:${sp.ippPort}/ipp/print`,
      `MFP job server listening on https://127.0.0.1:${sp.mfpPort}`,
    ]);
    const health = (await send({ port: sp.port, path: '/v1/health' })).json<{
      ports: Record<string, number>;
    }>();
    assert.equal(health.ports.mfp, sp.mfpPort, 'health names the MFP port');
    const pin = pinOf(dataDir);
    const res = await mfpRequest({ port: sp.mfpPort, pin, path: '/v1/jobs', ticket: 'a.b' });
    assert.equal(res.peerSha256, pin, 'the certificate in the data dir is the one served');
    assert.equal(res.status, 401);
    assert.equal(res.json().error, 'unauthorized');
    const misdirected = await mfpRequest({ port: sp.mfpPort, pin, path: '/v1/jobs', host: 'evil.example' });
    assert.equal(misdirected.status, 421);

    sp.child.kill('SIGTERM');
    assert.equal(await sp.exited, 0, `exits 0 after SIGTERM: ${sp.stderr()}`);
    const again = await start(dataDir);
    assert.equal(pinOf(dataDir), pin, 'a restart keeps the certificate, so the pin stays valid');
    const res2 = await mfpRequest({ port: again.mfpPort, pin, path: '/v1/jobs' });
    assert.equal(res2.status, 401);
  });

  it('binds 0.0.0.0 when no --mfp-host is given, and says so', async (t) => {
    const dataDir = join(tempDir(t), 'data');
    const p = spawnSpooler([
      ...['--data-dir', dataDir, '--control-port', '0', '--ipp-port', '0', '--mfp-port', '0'],
      ...['--hot-folder', 'off'],
    ]);
    children.push(p);
    const line = /MFP job server listening on https:\/\/0\.0\.0\.0:(\d+)\n/;
    for (let i = 0; i < 600 && !line.test(p.out()); i++) await sleep(50);
    const port = Number(line.exec(p.out())?.[1]);
    assert.ok(port > 0, `the listening line: ${p.out()} ${p.err()}`);
    const res = await mfpRequest({ port, pin: pinOf(dataDir), path: '/v1/jobs' });
    assert.equal(res.status, 401);
  });

  it('serves plain HTTP with --mfp-insecure-http and warns about it', async (t) => {
    const sp = await start(join(tempDir(t), 'data'), ['--mfp-insecure-http']);
    assert.ok(
      listeningLines(sp).includes(`MFP job server listening on http://127.0.0.1:${sp.mfpPort}`),
      sp.stdout(),
    );
    const res = await send({ port: sp.mfpPort, path: '/v1/jobs' });
    assert.equal(res.status, 401);
    for (let i = 0; i < 50 && !/plain HTTP/.test(sp.stderr()); i++) await sleep(20);
    assert.match(sp.stderr(), /plain HTTP: documents cross the network unencrypted/);
  });

  it('refuses to start when its port is taken, with a message naming the port and the flag', async (t) => {
    const first = await start(join(tempDir(t), 'first'));
    const second = spawnSpooler([
      ...['--data-dir', join(tempDir(t), 'second'), '--control-port', '0', '--ipp-port', '0'],
      ...['--mfp-port', String(first.mfpPort), '--mfp-host', '127.0.0.1', '--hot-folder', 'off'],
    ]);
    children.push(second);
    const code = await second.exited;
    assert.equal(code, 1, second.err());
    assert.match(
      second.err(),
      new RegExp(
        `Port ${first.mfpPort} \\(MFP job server\\) on 127\\.0\\.0\\.1 is already in use.*--mfp-port`,
      ),
    );
    assert.doesNotMatch(second.err(), /^\s+at /m, 'not a stack trace');
    assert.doesNotMatch(second.out(), /listening/, 'never claims to listen');
    const still = await mfpRequest({ port: first.mfpPort, pin: pinOf(first.dataDir), path: '/v1/jobs' });
    assert.equal(still.status, 401, 'the first one still answers');
  });
});
