import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  DEVICE_ID_KEY,
  DEVICE_TOKEN_KEY,
  SESSION_TOKEN_KEY,
  SessionError,
} from '../../../main/session/desktop-session.js';
import { createMemorySecretStore } from '../../../main/session/secret-store.js';
import { PASSWORD, ROOT, openDesktop, settle, startCloud, suiteScope } from './session-fixture.js';
import type { Cloud } from './session-fixture.js';

describe('desktop session against the real cloud server', () => {
  let cloud: Cloud;
  const suite = suiteScope();
  before(async () => {
    cloud = await startCloud(suite.scope);
  });
  after(() => suite.run());

  it('logs in, registers the desktop once, keeps the tokens in the SecretStore only, and logs out', async (t) => {
    const desk = await openDesktop(t, cloud);
    assert.equal(desk.session.trust(), null);
    assert.equal(desk.session.state().loggedIn, false);

    const state = await desk.session.login('user-a', PASSWORD);
    assert.equal(state.loggedIn, true);
    assert.deepEqual(state.user, {
      id: cloud.ids['user-a'],
      username: 'user-a',
      organizationId: cloud.orgId,
    });
    assert.equal(state.idleLogoutMinutes, 30); // the root default
    assert.equal(state.spoolingMode, 'local');
    assert.deepEqual(state.keychain, { kind: 'memory', warning: null });
    assert.equal(state.lastActivity, new Date(desk.time.now()).toISOString());
    assert.ok(state.expiresAt && Date.parse(state.expiresAt) > Date.now());
    const deviceId = state.deviceId as string;
    assert.ok(deviceId);
    assert.ok(await desk.secrets.get(SESSION_TOKEN_KEY));
    assert.ok(await desk.secrets.get(DEVICE_TOKEN_KEY));
    assert.equal(await desk.secrets.get(DEVICE_ID_KEY), deviceId);
    assert.equal(
      JSON.stringify(state).includes((await desk.secrets.get(SESSION_TOKEN_KEY)) as string),
      false,
    );

    const trust = desk.session.trust();
    assert.equal(trust?.deskId, deviceId);
    assert.equal(trust?.userId, cloud.ids['user-a']);
    assert.ok((trust?.keys.length ?? 0) >= 1);
    assert.equal(desk.session.currentUserId(), cloud.ids['user-a']);

    const token = (await desk.secrets.get(SESSION_TOKEN_KEY)) as string;
    const deviceToken = (await desk.secrets.get(DEVICE_TOKEN_KEY)) as string;
    await desk.session.logout('user');
    // No token and no password in any log line (the fixture's logger does not redact).
    const logged = desk.lines.join('\n');
    for (const secret of [token, deviceToken, PASSWORD]) assert.equal(logged.includes(secret), false);
    assert.equal(desk.session.trust(), null);
    assert.equal(desk.session.currentUserId(), null);
    assert.equal(await desk.secrets.get(SESSION_TOKEN_KEY), null);
    // The server session is dead too; the device stays registered.
    const me = await cloud.app.inject({ url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } });
    assert.equal(me.statusCode, 401);
    assert.equal(await desk.secrets.get(DEVICE_ID_KEY), deviceId);

    // Second login (another user of the same customer): the same device, no new registration.
    const before = (await cloud.devices()).length;
    const again = await desk.session.login('user-b', PASSWORD);
    assert.equal(again.deviceId, deviceId);
    assert.equal((await cloud.devices()).length, before);
    assert.equal(desk.lines.filter((l) => l.includes('registered at the cloud server')).length, 1);
  });

  it('registers again when the device was revoked', async (t) => {
    const desk = await openDesktop(t, cloud);
    const first = (await desk.session.login('user-a', PASSWORD)).deviceId as string;
    await desk.session.logout();
    await cloud.revokeDevice(first);
    const second = (await desk.session.login('user-a', PASSWORD)).deviceId as string;
    assert.notEqual(second, first);
    assert.equal(await desk.secrets.get(DEVICE_ID_KEY), second);
    assert.equal(desk.session.trust()?.deskId, second);
  });

  it('refuses a wrong password with a clear message, stores nothing and logs no password', async (t) => {
    const desk = await openDesktop(t, cloud);
    const err = await desk.session.login('user-a', 'Wrong-Passw0rd!').then(
      () => assert.fail('login succeeded'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof SessionError);
    assert.equal(err.code, 'bad-credentials');
    assert.match(err.message, /user name or password is wrong/);
    assert.equal(await desk.secrets.get(SESSION_TOKEN_KEY), null);
    assert.equal(await desk.secrets.get(DEVICE_TOKEN_KEY), null);
    assert.equal(desk.session.state().loggedIn, false);
    assert.equal(desk.lines.join('\n').includes('Wrong-Passw0rd!'), false);
  });

  it('refuses an account that may not register a desktop (a provider admin), keeping nothing', async (t) => {
    const desk = await openDesktop(t, cloud);
    const err = await desk.session.login(ROOT.username, ROOT.password).then(
      () => assert.fail('login succeeded'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof SessionError);
    assert.equal(err.code, 'not-allowed');
    assert.match(err.message, /customer organization/);
    assert.equal(await desk.secrets.get(SESSION_TOKEN_KEY), null);
    assert.equal(desk.session.trust(), null);
  });

  it('says the server is unreachable, with its URL', async (t) => {
    const desk = await openDesktop(t, { url: 'http://127.0.0.1:9' });
    const err = await desk.session.login('user-a', PASSWORD).then(
      () => assert.fail('login succeeded'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof SessionError);
    assert.equal(err.code, 'server-unreachable');
    assert.match(err.message, /Cannot reach the cloud server http:\/\/127\.0\.0\.1:9/);
    assert.equal(err.message.includes(PASSWORD), false);
  });

  it('logs out after the idle time without activity; activity resets it; jobs stay', async (t) => {
    await cloud.setIdleMinutes(5);
    t.after(() => cloud.setIdleMinutes(30));
    const desk = await openDesktop(t, cloud);
    await desk.session.login('user-a', PASSWORD);
    assert.equal(desk.session.state().idleLogoutMinutes, 5);
    const job = await desk.capture();

    desk.time.advance(4 * 60_000);
    desk.session.touch(); // activity at minute 4: the session now lasts to minute 9
    desk.time.advance(4 * 60_000);
    assert.equal(desk.session.state().loggedIn, true);
    assert.ok(desk.session.trust());
    assert.ok(await desk.secrets.get(SESSION_TOKEN_KEY));

    desk.time.advance(61_000);
    assert.equal(desk.session.trust(), null, 'trust ends the moment the idle time is over');
    assert.equal(desk.session.state().loggedIn, false);
    await settle(
      async () => (await desk.secrets.get(SESSION_TOKEN_KEY)) === null,
      'the keychain entry to go',
    );
    assert.ok(desk.lines.some((l) => l.includes('logged out') && l.includes('"reason":"idle"')));
    // The job is still there, held, and still user A's.
    assert.equal(desk.store.get(job.id)?.state, 'held');
    assert.equal(desk.store.getRecord(job.id)?.ownerId, cloud.ids['user-a']);
    assert.equal(desk.time.pending(), 0);
  });

  it('asks the server while active, and ends when the server has ended the session', async (t) => {
    const desk = await openDesktop(t, cloud);
    await desk.session.login('user-a', PASSWORD);
    const token = (await desk.secrets.get(SESSION_TOKEN_KEY)) as string;
    desk.time.advance(60_000);
    desk.session.touch(); // within the keep-alive interval: no server call
    // The session is ended at the server (a logout elsewhere, a disabled account).
    await cloud.app.inject({
      method: 'POST',
      url: '/api/v1/auth/logout',
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(desk.session.state().loggedIn, true);
    desk.time.advance(5 * 60_000);
    desk.session.touch(); // 6 minutes after the login: asks the server, which has ended it
    await settle(() => !desk.session.state().loggedIn, 'the session to end');
    await settle(
      async () => (await desk.secrets.get(SESSION_TOKEN_KEY)) === null,
      'the keychain entry to go',
    );
    assert.equal(desk.session.trust(), null);
  });

  it('takes over a changed policy (spooling mode, idle time) and the ticket keys while active', async (t) => {
    const desk = await openDesktop(t, cloud);
    await desk.session.login('user-a', PASSWORD);
    assert.equal(desk.session.credentials()?.spoolingMode, 'local');
    let changes = 0;
    desk.session.onChange(() => changes++);
    const policy = async (body: object) => {
      const res = await cloud.app.inject({
        method: 'PATCH',
        url: `/api/v1/organizations/${cloud.orgId}/policy`,
        headers: { authorization: `Bearer ${cloud.adminToken}` },
        payload: body,
      });
      assert.equal(res.statusCode, 200, res.body);
    };
    await policy({ spoolingMode: 'cloud' });
    t.after(() => policy({ spoolingMode: null }));
    desk.time.advance(60_000);
    desk.session.touch(); // within the keep-alive interval: nothing asked yet
    assert.equal(desk.session.credentials()?.spoolingMode, 'local');
    desk.time.advance(5 * 60_000);
    desk.session.touch();
    await settle(() => desk.session.credentials()?.spoolingMode === 'cloud', 'the new spooling mode');
    assert.equal(changes, 1, 'listeners (the job outbox) hear of it');
    assert.equal(desk.session.state().loggedIn, true);
  });

  it('restores a kept session after a restart, and drops one the server has ended', async (t) => {
    const secrets = createMemorySecretStore(); // stands in for the keychain, which outlives the process
    const first = await openDesktop(t, cloud, { secrets });
    const state = await first.session.login('user-a', PASSWORD);
    first.session.close();

    const second = await openDesktop(t, cloud, { secrets, dataDir: first.dataDir });
    assert.equal(await second.session.restore(), true);
    const restored = second.session.state();
    assert.equal(restored.loggedIn, true);
    assert.deepEqual(restored.user, state.user);
    assert.equal(restored.deviceId, state.deviceId);
    assert.deepEqual(second.session.trust(), first.session.trust());

    // The server ends the session (logout elsewhere): the next start drops the entry.
    const token = (await secrets.get(SESSION_TOKEN_KEY)) as string;
    await cloud.app.inject({
      method: 'POST',
      url: '/api/v1/auth/logout',
      headers: { authorization: `Bearer ${token}` },
    });
    second.session.close();
    const third = await openDesktop(t, cloud, { secrets, dataDir: first.dataDir });
    assert.equal(await third.session.restore(), false);
    assert.equal(third.session.state().loggedIn, false);
    assert.equal(await secrets.get(SESSION_TOKEN_KEY), null);
    assert.ok(await secrets.get(DEVICE_TOKEN_KEY), 'the device stays registered');
  });

  it('gives jobs captured while logged out to the next user, and never reassigns another user’s jobs', async (t) => {
    const desk = await openDesktop(t, cloud);
    const loose = await desk.capture('logged-out.pdf');
    assert.equal(desk.store.getRecord(loose.id)?.ownerId, undefined);

    await desk.session.login('user-a', PASSWORD);
    assert.equal(desk.store.getRecord(loose.id)?.ownerId, cloud.ids['user-a']);
    const ofA = await desk.capture('a.pdf');
    assert.equal(desk.store.getRecord(ofA.id)?.ownerId, cloud.ids['user-a']);
    await desk.session.logout();

    const loose2 = await desk.capture('logged-out-2.pdf');
    await desk.session.login('user-b', PASSWORD);
    assert.equal(desk.store.getRecord(loose2.id)?.ownerId, cloud.ids['user-b']);
    assert.equal(desk.store.getRecord(loose.id)?.ownerId, cloud.ids['user-a']);
    assert.equal(desk.store.getRecord(ofA.id)?.ownerId, cloud.ids['user-a']);
    const ofB = await desk.capture('b.pdf');
    assert.equal(desk.store.getRecord(ofB.id)?.ownerId, cloud.ids['user-b']);
    assert.equal(desk.session.trust()?.userId, cloud.ids['user-b']);
  });
});
