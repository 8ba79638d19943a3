import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import { loadConfig } from '../../../main/core/config.js';
import { startSpooler } from '../../../main/core/spooler.js';
import type { Spooler } from '../../../main/core/spooler.js';
import { createLogger } from '../../../main/log/logger.js';
import { SESSION_TOKEN_KEY } from '../../../main/session/desktop-session.js';
import { createMemorySecretStore } from '../../../main/session/secret-store.js';
import type { SecretStore } from '../../../main/session/secret-store.js';
import { send } from '../../helpers/http.js';
import { makePdf } from '../../helpers/pdf.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { PASSWORD, fakeTime, startCloud, suiteScope } from '../session/session-fixture.js';
import type { Cloud, FakeTime } from '../session/session-fixture.js';
import { startTestSpooler } from './spooler-fixture.js';

interface Started {
  spooler: Spooler;
  port: number;
  token: string;
  secrets: SecretStore;
  time: FakeTime;
}

async function startWithServer(t: TestContext, serverUrl: string): Promise<Started> {
  const dataDir = tempDir(t);
  const config = loadConfig(
    [
      ...['--data-dir', dataDir, '--control-port', '0', '--ipp-port', '0', '--hot-folder', 'off'],
      ...['--mfp-port', '0', '--mfp-host', '127.0.0.1', '--server-url', serverUrl],
    ],
    {},
  );
  const secrets = createMemorySecretStore();
  const time = fakeTime(Date.now());
  const spooler = await startSpooler(config, createLogger({ dir: null, console: false }), {
    secrets,
    now: time.now,
    sessionTimers: time.timers,
  });
  t.after(() => spooler.stop());
  return { spooler, port: spooler.ports.control as number, token: spooler.controlToken, secrets, time };
}

const login = (s: Started, body: unknown) =>
  send({
    port: s.port,
    method: 'POST',
    path: '/v1/session/login',
    token: s.token,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('control API: session routes', () => {
  let cloud: Cloud;
  const suite = suiteScope();
  before(async () => {
    cloud = await startCloud(suite.scope);
  });
  after(() => suite.run());

  it('logs in, owns jobs submitted while logged in, shows the state, and logs out', async (t) => {
    const s = await startWithServer(t, cloud.url);
    const out = await send({ port: s.port, path: '/v1/session', token: s.token });
    assert.equal(out.status, 200);
    assert.equal(out.json().loggedIn, false);
    assert.equal(s.spooler.session?.trust(), null);

    const res = await login(s, { username: 'user-a', password: PASSWORD });
    assert.equal(res.status, 200, res.body.toString());
    const state = res.json<{ loggedIn: boolean; user: { id: string }; deviceId: string }>();
    assert.equal(state.loggedIn, true);
    assert.equal(state.user.id, cloud.ids['user-a']);
    assert.equal(s.spooler.session?.trust()?.deskId, state.deviceId);
    assert.equal(res.body.includes(PASSWORD), false);

    const up = await send({
      port: s.port,
      method: 'POST',
      path: '/v1/jobs?name=a.pdf',
      token: s.token,
      headers: { 'content-type': 'application/pdf' },
      body: await makePdf(1),
    });
    assert.equal(up.status, 201);
    assert.equal(s.spooler.store.getRecord(up.json<{ id: string }>().id)?.ownerId, cloud.ids['user-a']);

    const got = await send({ port: s.port, path: '/v1/session', token: s.token });
    assert.equal(got.json().loggedIn, true);

    const bye = await send({ port: s.port, method: 'POST', path: '/v1/session/logout', token: s.token });
    assert.equal(bye.status, 204);
    assert.equal((await send({ port: s.port, path: '/v1/session', token: s.token })).json().loggedIn, false);
    assert.equal(s.spooler.session?.trust(), null);
    assert.equal(await s.secrets.get(SESSION_TOKEN_KEY), null);
  });

  it('answers 401 with a clear message for a wrong password and stores nothing', async (t) => {
    const s = await startWithServer(t, cloud.url);
    const res = await login(s, { username: 'user-a', password: 'Wrong-Passw0rd!' });
    assert.equal(res.status, 401);
    assert.equal(res.json().error, 'bad-credentials');
    assert.match(String(res.json().message), /user name or password is wrong/);
    assert.equal(await s.secrets.get(SESSION_TOKEN_KEY), null);
    assert.equal(s.spooler.session?.state().loggedIn, false);
    const bad = await login(s, { username: 'user-a' });
    assert.equal(bad.status, 400);
  });

  it('answers 502 naming the server when it cannot be reached', async (t) => {
    const s = await startWithServer(t, 'http://127.0.0.1:9');
    const res = await login(s, { username: 'user-a', password: PASSWORD });
    assert.equal(res.status, 502);
    assert.equal(res.json().error, 'server-unreachable');
    assert.match(String(res.json().message), /http:\/\/127\.0\.0\.1:9/);
  });

  it('counts every authenticated call as activity for the idle logout', async (t) => {
    const s = await startWithServer(t, cloud.url);
    assert.equal((await login(s, { username: 'user-a', password: PASSWORD })).status, 200);
    const idle = (s.spooler.session?.state().idleLogoutMinutes ?? 0) * 60_000;
    assert.ok(idle > 0);
    s.time.advance(idle - 60_000);
    assert.equal((await send({ port: s.port, path: '/v1/jobs', token: s.token })).status, 200);
    // A call without the secret is no activity.
    assert.equal((await send({ port: s.port, path: '/v1/jobs' })).status, 401);
    s.time.advance(idle - 60_000);
    assert.equal(s.spooler.session?.state().loggedIn, true);
    s.time.advance(61_000);
    assert.equal(s.spooler.session?.trust(), null);
    assert.equal((await send({ port: s.port, path: '/v1/health' })).status, 200);
    const state = await send({ port: s.port, path: '/v1/session', token: s.token });
    assert.equal(state.json().loggedIn, false);
  });

  it('guards the session routes like every route: secret and Host', async (t) => {
    const s = await startWithServer(t, cloud.url);
    for (const [method, path] of [
      ['GET', '/v1/session'],
      ['POST', '/v1/session/login'],
      ['POST', '/v1/session/logout'],
    ] as const) {
      const none = await send({ port: s.port, method, path, body: method === 'POST' ? '{}' : undefined });
      assert.equal(none.status, 401, `${method} ${path}`);
      const host = await send({ port: s.port, method, path, token: s.token, host: 'evil.test' });
      assert.equal(host.status, 421, `${method} ${path}`);
    }
    const res = await send({
      port: s.port,
      method: 'POST',
      path: '/v1/session/login',
      token: s.token,
      headers: { 'content-type': 'application/json', origin: 'https://evil.test' },
      body: JSON.stringify({ username: 'user-a', password: PASSWORD }),
    });
    assert.equal(res.status, 403);
    assert.equal(s.spooler.session?.state().loggedIn, false);
  });

  it('answers 503 on every session route when no server is configured', async (t) => {
    const s = await startTestSpooler(t);
    assert.equal(s.session, null);
    for (const [method, path] of [
      ['GET', '/v1/session'],
      ['POST', '/v1/session/login'],
      ['POST', '/v1/session/logout'],
    ] as const) {
      const res = await send({
        port: s.port,
        method,
        path,
        token: s.controlToken,
        ...(path.endsWith('login')
          ? {
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ username: 'u', password: 'p' }),
            }
          : {}),
      });
      assert.equal(res.status, 503, `${method} ${path}`);
      assert.equal(res.json().error, 'no-server');
      assert.match(String(res.json().message), /--server-url/);
    }
  });
});
