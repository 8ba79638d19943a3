import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createTcpServer } from 'node:net';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import { CloudHttpError, createCloudHttpClient } from '../../../main/cloud/http-client.js';
import type { CloudHttpClientOptions } from '../../../main/cloud/http-client.js';
import { createMemorySecretStore } from '../../../main/session/secret-store.js';
import { SETTINGS_FILE, openSettingsStore } from '../../../main/settings/settings-store.js';
import type { SettingsStore } from '../../../main/settings/settings-store.js';
import { makeSelfSignedCert } from '../../helpers/self-signed-cert.js';
import type { SelfSignedCert } from '../../helpers/self-signed-cert.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { startTinyproxy } from '../../helpers/tinyproxy.js';

const USER = 'alice';
const PASSWORD = `proxy-pw-${randomBytes(8).toString('hex')}`;

/** What the target server saw of one request. */
interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  bytes: number;
  sha256: string;
}

/** A cloud-server stand-in over http or https that records each request and answers JSON. */
async function startTarget(
  t: TestContext,
  options: {
    tls?: SelfSignedCert;
    answer?: (req: IncomingMessage, res: ServerResponse) => void;
    /** Called when the first bytes of a request body arrive. */
    onFirstData?: () => void;
  } = {},
): Promise<{ url: string; port: number; seen: Seen[] }> {
  const seen: Seen[] = [];
  const { tls, onFirstData } = options;
  const answer =
    options.answer ??
    ((_req: IncomingMessage, res: ServerResponse) => {
      res.setHeader('content-type', 'application/json');
      res.end('{"ok":true}');
    });
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const hash = createHash('sha256');
    let bytes = 0;
    req.on('data', (c: Buffer) => {
      if (bytes === 0) onFirstData?.();
      bytes += c.length;
      hash.update(c);
    });
    req.on('end', () => {
      seen.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        bytes,
        sha256: hash.digest('hex'),
      });
      answer(req, res);
    });
  };
  const server: Server = tls ? createHttpsServer(tls, handler) : createHttpServer(handler);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => {
    server.closeAllConnections();
    server.close();
  });
  const { port } = server.address() as { port: number };
  return { url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`, port, seen };
}

/** Every log call, unredacted: the client itself must never pass the password to the logger. */
function captureLog() {
  const lines: string[] = [];
  const secrets: string[] = [];
  const record = (level: string) => (message: string, meta?: Record<string, unknown>) =>
    lines.push(`${level} ${message} ${JSON.stringify(meta ?? {})}`);
  return {
    lines,
    secrets,
    log: { debug: record('debug'), warn: record('warn'), addSecret: (s: string) => secrets.push(s) },
  };
}

interface Setup {
  dataDir: string;
  settings: SettingsStore;
  client: ReturnType<typeof createCloudHttpClient>;
  lines: string[];
  secrets: string[];
}

async function setup(
  t: TestContext,
  baseUrl: string,
  extra: Partial<CloudHttpClientOptions> = {},
): Promise<Setup> {
  const dataDir = tempDir(t);
  const settings = await openSettingsStore({ dataDir, secrets: createMemorySecretStore() });
  const { lines, secrets, log } = captureLog();
  const client = createCloudHttpClient({ baseUrl, proxy: () => settings.resolveProxy(), log, ...extra });
  t.after(() => client.close());
  return { dataDir, settings, client, lines, secrets };
}

/** Fails the test loudly under CI when tinyproxy is missing; skips it elsewhere. Returns false after a skip. */
function needTinyproxy(t: TestContext): boolean {
  const r = spawnSync('tinyproxy', ['-v']);
  if (!r.error) return true;
  if (process.env.CI) throw new Error('tinyproxy is not installed: .ci/run must install it');
  t.skip(`tinyproxy is not installed (${r.error.message})`);
  return false;
}

async function rejectsWith(promise: Promise<unknown>, code: string, message: RegExp): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof CloudHttpError, `a CloudHttpError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    assert.match(err.message, message);
    return true;
  });
}

/** The proxy's log lines for requests (a forwarded GET, or a CONNECT). */
const requestLines = (log: string) =>
  log.split('\n').filter((l) => /Request \(file descriptor \d+\): /.test(l));

describe('the cloud HTTP client through a manual proxy (tinyproxy)', () => {
  it('forwards plain http with the credentials, and keeps the password out of the settings file and the log', async (t) => {
    if (!needTinyproxy(t)) return;
    const proxy = await startTinyproxy(t, { username: USER, password: PASSWORD });
    const target = await startTarget(t);
    const s = await setup(t, target.url);
    await s.settings.setProxy({ mode: 'manual', url: proxy.url, username: USER, password: PASSWORD });

    const res = await s.client.request({ method: 'GET', path: '/v1/ping?x=1' });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.body.json(), { ok: true });

    // It went through the proxy: the proxy logged the forwarded request, and the server saw the proxy's Via.
    assert.deepEqual(
      requestLines(proxy.log()).map((l) => l.replace(/^.*\): /, '')),
      [`GET http://127.0.0.1:${target.port}/v1/ping?x=1 HTTP/1.1`],
    );
    assert.match(String(target.seen[0]?.headers.via), /tinyproxy/);
    assert.equal(
      target.seen[0]?.headers['proxy-authorization'],
      undefined,
      'the proxy consumed the credentials',
    );

    const file = readFileSync(join(s.dataDir, SETTINGS_FILE), 'utf8');
    assert.ok(!file.includes(PASSWORD), 'no password in the settings file');
    assert.match(file, /"passwordSet": true/);
    assert.ok(s.lines.length > 0 && s.lines.every((l) => !l.includes(PASSWORD)), s.lines.join('\n'));
    assert.match(s.lines.join('\n'), new RegExp(`debug cloud request .*"via":"proxy ${proxy.url}"`));
    assert.deepEqual(s.secrets, [PASSWORD], 'the password is registered for redaction');
  });

  it('tunnels https with CONNECT to a server whose self-signed certificate it is told to trust', async (t) => {
    if (!needTinyproxy(t)) return;
    const proxy = await startTinyproxy(t, { username: USER, password: PASSWORD });
    const cert = makeSelfSignedCert(tempDir(t));
    const target = await startTarget(t, { tls: cert });
    const s = await setup(t, target.url, { ca: cert.cert });
    await s.settings.setProxy({ mode: 'manual', url: proxy.url, username: USER, password: PASSWORD });

    const res = await s.client.request({
      method: 'POST',
      path: '/v1/jobs',
      body: '{"a":1}',
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(res.status, 200);
    await res.body.dump();
    assert.deepEqual(
      requestLines(proxy.log()).map((l) => l.replace(/^.*\): /, '')),
      [`CONNECT 127.0.0.1:${target.port} HTTP/1.1`],
    );
    // End-to-end TLS: the proxy could not add its Via header inside the tunnel.
    assert.equal(target.seen[0]?.headers.via, undefined);
    assert.equal(target.seen[0]?.bytes, 7);
    assert.ok(s.lines.every((l) => !l.includes(PASSWORD)));
  });

  it('streams a large upload through the tunnel as it is produced', async (t) => {
    if (!needTinyproxy(t)) return;
    const proxy = await startTinyproxy(t, { username: USER, password: PASSWORD });
    const cert = makeSelfSignedCert(tempDir(t));
    const total = 64;
    let produced = 0;
    let producedAtFirstByte = -1;
    const target = await startTarget(t, { tls: cert, onFirstData: () => (producedAtFirstByte = produced) });
    const s = await setup(t, target.url, { ca: cert.cert });
    await s.settings.setProxy({ mode: 'manual', url: proxy.url, username: USER, password: PASSWORD });

    const chunk = randomBytes(1 << 20);
    const expected = createHash('sha256');
    async function* body() {
      for (; produced < total; produced++) {
        expected.update(chunk);
        yield chunk;
      }
    }
    const res = await s.client.request({
      method: 'PUT',
      path: '/v1/blobs/x',
      body: body(),
      headers: { 'content-length': String(total * chunk.length) },
    });
    assert.equal(res.status, 200);
    await res.body.dump();
    assert.equal(target.seen[0]?.bytes, total * chunk.length);
    assert.equal(target.seen[0]?.sha256, expected.digest('hex'));
    // The server had bytes long before the body was all produced: nothing buffers the whole upload.
    assert.ok(
      producedAtFirstByte >= 0 && producedAtFirstByte < total / 4,
      `produced ${producedAtFirstByte} MB first`,
    );
  });

  it('refuses a server certificate it was not told to trust, with a clear error', async (t) => {
    if (!needTinyproxy(t)) return;
    const proxy = await startTinyproxy(t);
    const target = await startTarget(t, { tls: makeSelfSignedCert(tempDir(t)) });
    const s = await setup(t, target.url);
    await s.settings.setProxy({ mode: 'manual', url: proxy.url });
    await rejectsWith(
      s.client.request({ method: 'GET', path: '/' }),
      'tls-untrusted',
      /^The TLS certificate of the cloud server https:\/\/127\.0\.0\.1:\d+ is not trusted \(DEPTH_ZERO_SELF_SIGNED_CERT\)/,
    );
    assert.equal(target.seen.length, 0);
  });

  it('says the proxy refused the password, for http and for https, and the server sees nothing', async (t) => {
    if (!needTinyproxy(t)) return;
    const proxy = await startTinyproxy(t, { username: USER, password: PASSWORD });
    const cert = makeSelfSignedCert(tempDir(t));
    const plain = await startTarget(t);
    const secure = await startTarget(t, { tls: cert });
    const message = new RegExp(
      `^The proxy ${proxy.url} refused the user name or password: check them in the proxy settings\\.$`,
    );
    for (const [target, ca] of [
      [plain, undefined],
      [secure, cert.cert],
    ] as const) {
      const s = await setup(t, target.url, { ca });
      await s.settings.setProxy({
        mode: 'manual',
        url: proxy.url,
        username: USER,
        password: 'not-the-password',
      });
      await rejectsWith(s.client.request({ method: 'GET', path: '/v1/ping' }), 'proxy-auth-failed', message);
      assert.equal(target.seen.length, 0);
      assert.ok(s.lines.some((l) => l.startsWith('warn cloud request failed')));
      assert.ok(s.lines.every((l) => !l.includes('not-the-password')));
    }
  });

  it('says the proxy wants credentials when none are set', async (t) => {
    if (!needTinyproxy(t)) return;
    const proxy = await startTinyproxy(t, { username: USER, password: PASSWORD });
    const target = await startTarget(t);
    const s = await setup(t, target.url);
    await s.settings.setProxy({ mode: 'manual', url: proxy.url });
    await rejectsWith(
      s.client.request({ method: 'GET', path: '/' }),
      'proxy-auth-required',
      /asks for a user name and password: set them in the proxy settings\.$/,
    );
  });

  it("passes on the server's own 401 (a Bearer challenge) through the proxy", async (t) => {
    if (!needTinyproxy(t)) return;
    const proxy = await startTinyproxy(t, { username: USER, password: PASSWORD });
    const target = await startTarget(t, {
      answer: (_req, res) => {
        res.statusCode = 401;
        res.setHeader('www-authenticate', 'Bearer');
        res.setHeader('content-type', 'application/json');
        res.end('{"error":"unauthenticated","message":"Log in again."}');
      },
    });
    const s = await setup(t, target.url);
    await s.settings.setProxy({ mode: 'manual', url: proxy.url, username: USER, password: PASSWORD });
    const res = await s.client.request({ method: 'GET', path: '/v1/me' });
    assert.equal(res.status, 401);
    assert.deepEqual(await res.body.json(), { error: 'unauthenticated', message: 'Log in again.' });
  });

  it('follows a change of the setting on the next request', async (t) => {
    if (!needTinyproxy(t)) return;
    const proxy = await startTinyproxy(t);
    const target = await startTarget(t);
    const s = await setup(t, target.url);
    await s.settings.setProxy({ mode: 'none' });
    await (await s.client.request({ method: 'GET', path: '/a' })).body.dump();
    await s.settings.setProxy({ mode: 'manual', url: proxy.url });
    await (await s.client.request({ method: 'GET', path: '/b' })).body.dump();
    await s.settings.setProxy({ mode: 'none' });
    await (await s.client.request({ method: 'GET', path: '/c' })).body.dump();
    assert.deepEqual(
      target.seen.map((x) => [x.url, x.headers.via === undefined ? 'direct' : 'proxy']),
      [
        ['/a', 'direct'],
        ['/b', 'proxy'],
        ['/c', 'direct'],
      ],
    );
    assert.equal(requestLines(proxy.log()).length, 1);
  });
});

describe('the cloud HTTP client in system mode', () => {
  it('uses the proxy the environment names, with its credentials, unless no_proxy exempts the server', async (t) => {
    if (!needTinyproxy(t)) return;
    const proxy = await startTinyproxy(t, { username: USER, password: PASSWORD });
    const cert = makeSelfSignedCert(tempDir(t));
    const target = await startTarget(t, { tls: cert });
    let env: Record<string, string> = { HTTPS_PROXY: `http://${USER}:${PASSWORD}@127.0.0.1:${proxy.port}` };
    const s = await setup(t, target.url, {
      ca: cert.cert,
      systemProxy: () => ({ httpsProxy: env.HTTPS_PROXY, noProxy: env.NO_PROXY }),
    });
    assert.deepEqual(s.settings.get().proxy, { mode: 'system' }, 'system is the default');

    await (await s.client.request({ method: 'GET', path: '/one' })).body.dump();
    assert.equal(requestLines(proxy.log()).length, 1);
    assert.match(proxy.log(), new RegExp(`CONNECT 127\\.0\\.0\\.1:${target.port} `));

    env = { ...env, NO_PROXY: 'localhost,127.0.0.1' };
    await (await s.client.request({ method: 'GET', path: '/two' })).body.dump();
    assert.equal(requestLines(proxy.log()).length, 1, 'the second request went direct');
    assert.equal(target.seen.length, 2);
    assert.ok(
      s.lines.every((l) => !l.includes(PASSWORD)),
      'the password from the environment is not logged',
    );
    assert.match(s.lines.join('\n'), new RegExp(`"via":"proxy http://127\\.0\\.0\\.1:${proxy.port}"`));
    assert.deepEqual(s.secrets, [PASSWORD]);
  });

  it('connects directly when the environment names no proxy', async (t) => {
    const target = await startTarget(t);
    const s = await setup(t, target.url, { systemProxy: () => ({}) });
    const res = await s.client.request({ method: 'GET', path: '/' });
    assert.equal(res.status, 200);
    await res.body.dump();
    assert.match(s.lines.join('\n'), /"via":"direct"/);
  });
});

describe('the cloud HTTP client when the way out is broken', () => {
  it('names the proxy it cannot reach', async (t) => {
    const closed = createTcpServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const { port } = closed.address() as { port: number };
    await new Promise((resolve) => closed.close(resolve));
    const s = await setup(t, 'https://cloud.example.com');
    await s.settings.setProxy({ mode: 'manual', url: `http://127.0.0.1:${port}` });
    await rejectsWith(
      s.client.request({ method: 'GET', path: '/' }),
      'proxy-unreachable',
      new RegExp(
        `^Cannot reach the proxy http://127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\)\\. Check the proxy settings`,
      ),
    );
  });

  it('gives up on a proxy that never answers, for http and for https, instead of hanging', async (t) => {
    const held: Socket[] = [];
    const silent = createTcpServer((sock) => held.push(sock));
    silent.listen(0, '127.0.0.1');
    await once(silent, 'listening');
    t.after(() => {
      for (const sock of held) sock.destroy();
      silent.close();
    });
    const { port } = silent.address() as { port: number };
    for (const baseUrl of ['http://cloud.example.com', 'https://cloud.example.com']) {
      const s = await setup(t, baseUrl, { headersTimeoutMs: 300 });
      await s.settings.setProxy({ mode: 'manual', url: `http://127.0.0.1:${port}` });
      await rejectsWith(
        s.client.request({ method: 'GET', path: '/' }),
        'timeout',
        /^The cloud server https?:\/\/cloud\.example\.com did not answer in time through the proxy http:\/\/127\.0\.0\.1:\d+\./,
      );
    }
    assert.equal(held.length, 2);
  });

  it('asks for the proxy password again when it was kept in memory only and the spooler restarted', async (t) => {
    const dataDir = tempDir(t);
    const before = await openSettingsStore({ dataDir, secrets: createMemorySecretStore('no keychain') });
    await before.setProxy({
      mode: 'manual',
      url: 'http://127.0.0.1:3128',
      username: USER,
      password: PASSWORD,
    });
    // A restart: same data dir, a new (empty) memory store.
    const after = await openSettingsStore({ dataDir, secrets: createMemorySecretStore('no keychain') });
    const client = createCloudHttpClient({
      baseUrl: 'https://cloud.example.com',
      proxy: () => after.resolveProxy(),
    });
    t.after(() => client.close());
    await rejectsWith(
      client.request({ method: 'GET', path: '/' }),
      'proxy-settings',
      /^The proxy password was kept in memory only \(there is no OS keychain\) and was lost when the spooler restarted: enter it again/,
    );
  });
});
