// The server as users run it: `node --import tsx server-stub/src/server.ts`, over a real socket.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { request as httpsRequest } from 'node:https';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import { makeSelfSignedCert } from '../helpers/self-signed-cert.js';
import { tempDir } from '../helpers/temp-dir.js';

const REPO_ROOT = resolve(import.meta.dirname, '../..');
const SERVER = join(REPO_ROOT, 'server-stub/src/server.ts');

/** A server child process. */
interface ServerProcess {
  /** Resolves with the URL from the "listening on" line. */
  ready: Promise<string>;
  out: () => string;
  err: () => string;
  /** Resolves with the exit code (or the signal name). */
  exited: Promise<number | string>;
  /** SIGTERM, then waits for the exit. */
  stop: () => Promise<void>;
}

function spawnServer(t: TestContext, args: string[], env: NodeJS.ProcessEnv = {}): ServerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', SERVER, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, CPS_LOG_LEVEL: 'warn', CPS_ADMIN_USERNAME: '', CPS_ADMIN_PASSWORD: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const exited = new Promise<number | string>((res) =>
    child.on('exit', (code, signal) => res(code ?? signal ?? -1)),
  );
  const ready = new Promise<string>((res, rej) => {
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /listening on (\S+)/.exec(out);
      if (m?.[1]) res(m[1]);
    });
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    void exited.then((code) => rej(new Error(`server exited ${code}: ${err}`)));
  });
  ready.catch(() => undefined);
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  t.after(stop);
  return { ready, out: () => out, err: () => err, exited, stop };
}

async function postJson(
  url: string,
  body: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('npm run server', () => {
  it('prints a generated admin password once, and that password logs in over a real socket', async (t) => {
    const dataDir = tempDir(t);
    const first = spawnServer(t, ['--data-dir', dataDir, '--port', '0']);
    const url = await first.ready;
    const password = /password \(shown once, change it\): (\S+)/.exec(first.out())?.[1];
    assert.ok(password);
    const ok = await postJson(`${url}/api/v1/auth/login`, { username: 'admin', password });
    assert.equal(ok.status, 200);
    const me = await fetch(`${url}/api/v1/me`, {
      headers: { authorization: `Bearer ${String(ok.body.token)}` },
    });
    assert.equal(((await me.json()) as { role: string }).role, 'provider_admin');
  });

  it('does not bootstrap or print a password on the second start', async (t) => {
    const dataDir = tempDir(t);
    const first = spawnServer(t, ['--data-dir', dataDir, '--port', '0']);
    await first.ready;
    const password = /password \(shown once, change it\): (\S+)/.exec(first.out())?.[1];
    assert.ok(password);
    await first.stop();
    const second = spawnServer(t, ['--data-dir', dataDir, '--port', '0'], {
      CPS_ADMIN_USERNAME: 'intruder',
      CPS_ADMIN_PASSWORD: 'Intruder-Passw0rd!',
    });
    const url = await second.ready;
    assert.doesNotMatch(second.out(), /Created the root provider|password/);
    assert.equal(
      (await postJson(`${url}/api/v1/auth/login`, { username: 'intruder', password: 'Intruder-Passw0rd!' }))
        .status,
      401,
    );
    assert.equal((await postJson(`${url}/api/v1/auth/login`, { username: 'admin', password })).status, 200);
  });

  it('refuses plain HTTP on a non-loopback address unless --allow-insecure-http is given', async (t) => {
    const refused = spawnServer(t, ['--data-dir', tempDir(t), '--host', '0.0.0.0', '--port', '0']);
    assert.equal(await refused.exited, 1);
    assert.match(refused.err(), /Refusing plain HTTP on 0\.0\.0\.0/);
  });

  it('serves HTTPS with --tls-cert and --tls-key', async (t) => {
    const dir = tempDir(t);
    makeSelfSignedCert(dir); // key.pem and cert.pem in dir
    const server = spawnServer(
      t,
      [
        '--data-dir',
        join(dir, 'data'),
        '--host',
        '0.0.0.0',
        '--port',
        '0',
        '--tls-cert',
        join(dir, 'cert.pem'),
        '--tls-key',
        join(dir, 'key.pem'),
      ],
      { CPS_ADMIN_USERNAME: 'tlsadmin', CPS_ADMIN_PASSWORD: 'Tls-Passw0rd!' },
    );
    const url = await server.ready;
    assert.match(url, /^https:\/\//);
    const port = Number(new URL(url).port);
    const status = await new Promise<number>((res, rej) => {
      const req = httpsRequest(
        {
          host: '127.0.0.1',
          port,
          path: '/api/v1/auth/login',
          method: 'POST',
          rejectUnauthorized: false,
          headers: { 'content-type': 'application/json' },
        },
        (r) => {
          r.resume();
          res(r.statusCode ?? 0);
        },
      );
      req.on('error', rej);
      req.end(JSON.stringify({ username: 'tlsadmin', password: 'Tls-Passw0rd!' }));
    });
    assert.equal(status, 200);
  });

  it('exits non-zero with a clear message for a bad flag', async (t) => {
    const bad = spawnServer(t, ['--port', 'eighty']);
    assert.equal(await bad.exited, 1);
    assert.match(bad.err(), /--port must be 0 to 65535/);
  });
});
