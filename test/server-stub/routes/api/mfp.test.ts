import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { AppOptions } from '../../../../server-stub/src/app.js';
import { hashToken } from '../../../../server-stub/src/services/session-service.js';
import { bearer, buildTestApp, fakeClock, login, tokenFor } from '../../helper.js';
import {
  countingHasher,
  createUser,
  mfpHeaders,
  mfpLogin,
  mfpSession,
  openDb,
  registerDevice,
  setOwnPin,
} from '../../mfp.js';
import { buildTenants, PASSWORD } from '../../tenants.js';

const MINUTE = 60_000;
const PIN = '4711';
const WRONG_PIN = '0000';

/** Customer A with `user-a` (PIN 4711), an MFP and a desktop; customer C with `user-c` (PIN 4711) and an MFP. */
async function setup(t: Parameters<typeof buildTestApp>[0], options: Partial<AppOptions> = {}) {
  const built = await buildTestApp(t, {
    loginRateLimit: { max: 1000, timeWindowMs: MINUTE },
    mfpLoginRateLimit: { max: 1000, timeWindowMs: MINUTE },
    ...options,
  });
  const { app } = built;
  const tenants = await buildTenants(app);
  const admin = tenants.customerA.adminToken;
  const userId = await createUser(app, admin, 'user-a');
  await createUser(app, tenants.customerC.adminToken, 'user-c');
  assert.equal(await setOwnPin(app, await tokenFor(app, 'user-a', PASSWORD), PIN), 200);
  assert.equal(await setOwnPin(app, await tokenFor(app, 'user-c', PASSWORD), PIN), 200);
  return {
    ...built,
    tenants,
    admin,
    userId,
    mfp: await registerDevice(app, admin),
    desktop: await registerDevice(app, admin, 'desktop'),
    mfpC: await registerDevice(app, tenants.customerC.adminToken),
  };
}

const pinLogin = (username: string, pin: string) => ({ method: 'pin', username, pin });
const passwordLogin = (username: string, password: string) => ({ method: 'password', username, password });

function mfpMe(app: FastifyInstance, deviceToken: string, session: string) {
  return app.inject({ url: '/api/v1/mfp/me', headers: mfpHeaders(deviceToken, session) });
}

describe('POST /api/v1/mfp/login', () => {
  it('logs a user in with a PIN and answers an MFP session token bound to the device', async (t) => {
    const { app, mfp, userId } = await setup(t);
    const res = await mfpLogin(app, mfp.token, pinLogin('user-a', PIN));
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json() as {
      token: string;
      tokenType: string;
      expiresAt: string;
      idleTimeoutSeconds: number;
      user: { id: string; username: string };
    };
    assert.equal(body.tokenType, 'MfpSession');
    assert.equal(Buffer.from(body.token, 'base64url').length, 32);
    assert.equal(body.idleTimeoutSeconds, 300);
    assert.equal(Date.parse(body.expiresAt), Date.UTC(2026, 0, 1) + 60 * MINUTE);
    assert.deepEqual([body.user.id, body.user.username], [userId, 'user-a']);
    const me = await mfpMe(app, mfp.token, body.token);
    assert.equal(me.statusCode, 200, me.body);
    const who = me.json() as { user: { id: string }; device: { id: string }; method: string };
    assert.deepEqual([who.user.id, who.device.id, who.method], [userId, mfp.id, 'pin']);
  });

  it('logs a user in with username and password', async (t) => {
    const { app, mfp } = await setup(t);
    const session = await mfpSession(app, mfp.token, passwordLogin('user-a', PASSWORD));
    assert.equal(((await mfpMe(app, mfp.token, session)).json() as { method: string }).method, 'password');
  });

  it('stores only the SHA-256 of the session token', async (t) => {
    const { app, mfp, dataDir } = await setup(t);
    const session = await mfpSession(app, mfp.token, pinLogin('user-a', PIN));
    const db = openDb(t, dataDir);
    const rows = db.prepare('SELECT token_hash, device_id FROM mfp_sessions').all();
    assert.deepEqual(rows, [{ token_hash: hashToken(session), device_id: mfp.id }]);
    assert.ok(!JSON.stringify(db.prepare('SELECT * FROM mfp_sessions').all()).includes(session));
  });

  it('gives a wrong PIN, an unknown user, a user without PIN, a disabled, a locked user and a user of another customer one 401', async (t) => {
    const { app, admin, mfp } = await setup(t);
    await createUser(app, admin, 'no-pin-a');
    const disabledId = await createUser(app, admin, 'disabled-a');
    await setOwnPin(app, await tokenFor(app, 'disabled-a', PASSWORD), PIN);
    await app.inject({ method: 'POST', url: `/api/v1/users/${disabledId}/disable`, headers: bearer(admin) });
    await createUser(app, admin, 'locked-a');
    await setOwnPin(app, await tokenFor(app, 'locked-a', PASSWORD), PIN);
    for (let i = 0; i < 3; i++) await login(app, 'locked-a', 'Wrong-Passw0rd!');
    const answers = [
      await mfpLogin(app, mfp.token, pinLogin('user-a', WRONG_PIN)),
      await mfpLogin(app, mfp.token, pinLogin('nobody', PIN)),
      await mfpLogin(app, mfp.token, pinLogin('no-pin-a', PIN)),
      await mfpLogin(app, mfp.token, pinLogin('disabled-a', PIN)),
      await mfpLogin(app, mfp.token, pinLogin('locked-a', PIN)),
      await mfpLogin(app, mfp.token, pinLogin('user-c', PIN)),
      await mfpLogin(app, mfp.token, passwordLogin('user-c', PASSWORD)),
      await mfpLogin(app, mfp.token, passwordLogin('user-a', 'Wrong-Passw0rd!')),
      await mfpLogin(app, mfp.token, { method: 'card', cardId: 'DEADBEEF' }),
    ];
    for (const res of answers) {
      assert.equal(res.statusCode, 401);
      assert.equal(res.body, answers[0]?.body);
    }
    assert.equal((answers[0]?.json() as { error: string }).error, 'login_failed');
  });

  it('spends exactly one argon2 verification on every refusal', async (t) => {
    const counting = countingHasher();
    const { app, admin, mfp } = await setup(t, { passwordHasher: counting.hasher });
    await createUser(app, admin, 'no-pin-a');
    const attempts = [
      pinLogin('user-a', WRONG_PIN),
      pinLogin('nobody', PIN),
      pinLogin('no-pin-a', PIN),
      pinLogin('user-c', PIN),
      passwordLogin('nobody', PASSWORD),
    ];
    for (const attempt of attempts) {
      const before = counting.real() + counting.dummy();
      assert.equal((await mfpLogin(app, mfp.token, attempt)).statusCode, 401);
      assert.equal(counting.real() + counting.dummy() - before, 1, JSON.stringify(attempt));
    }
  });

  it('does not let a device of customer A count failures against a user of customer C', async (t) => {
    const { app, mfp, mfpC } = await setup(t);
    for (let i = 0; i < 5; i++) await mfpLogin(app, mfp.token, pinLogin('user-c', WRONG_PIN));
    assert.equal((await mfpLogin(app, mfpC.token, pinLogin('user-c', PIN))).statusCode, 200);
  });

  it("refuses a desktop client's device token with 403 and a missing or revoked device token with 401", async (t) => {
    const { app, admin, mfp, desktop } = await setup(t);
    const fromDesktop = await mfpLogin(app, desktop.token, pinLogin('user-a', PIN));
    assert.equal(fromDesktop.statusCode, 403);
    assert.equal((fromDesktop.json() as { error: string }).error, 'not_an_mfp');
    const anonymous = await app.inject({
      method: 'POST',
      url: '/api/v1/mfp/login',
      payload: pinLogin('user-a', PIN),
    });
    assert.equal(anonymous.statusCode, 401);
    const webToken = await tokenFor(app, 'user-a', PASSWORD);
    const withBearer = await app.inject({
      method: 'POST',
      url: '/api/v1/mfp/login',
      headers: bearer(webToken),
      payload: pinLogin('user-a', PIN),
    });
    assert.equal(withBearer.statusCode, 401, 'a user session is not a device token');
    await app.inject({ method: 'POST', url: `/api/v1/devices/${mfp.id}/revoke`, headers: bearer(admin) });
    assert.equal((await mfpLogin(app, mfp.token, pinLogin('user-a', PIN))).statusCode, 401);
  });

  it('refuses fields of another method and missing fields with 400', async (t) => {
    const { app, mfp } = await setup(t);
    const mixed = await mfpLogin(app, mfp.token, {
      method: 'pin',
      username: 'user-a',
      pin: PIN,
      password: 'x',
    });
    assert.equal(mixed.statusCode, 400);
    assert.match((mixed.json() as { message: string }).message, /leave out password/);
    for (const payload of [
      { method: 'pin', username: 'user-a' },
      { method: 'card' },
      { method: 'password', username: 'user-a' },
      { method: 'pin', username: 'user-a', pin: '12ab' },
      { method: 'pin', username: 'user-a', pin: 4711 },
      { method: 'face', username: 'user-a' },
      { username: 'user-a', pin: PIN },
      { method: 'pin', username: 'user-a', pin: PIN, extra: 1 },
    ]) {
      assert.equal((await mfpLogin(app, mfp.token, payload)).statusCode, 400, JSON.stringify(payload));
    }
  });

  it('throttles logins per MFP with 429, leaving other MFPs their own budget', async (t) => {
    const { app, admin, mfp } = await setup(t, { mfpLoginRateLimit: { max: 2, timeWindowMs: MINUTE } });
    const other = await registerDevice(app, admin);
    await mfpLogin(app, mfp.token, pinLogin('user-a', PIN));
    await mfpLogin(app, mfp.token, pinLogin('user-a', PIN));
    const third = await mfpLogin(app, mfp.token, pinLogin('user-a', PIN));
    assert.equal(third.statusCode, 429);
    assert.equal((third.json() as { error: string }).error, 'too_many_requests');
    assert.equal((await mfpLogin(app, other.token, pinLogin('user-a', PIN))).statusCode, 200);
  });
});

describe('lockout across PIN and password', () => {
  it('locks the account after 3 wrong PINs, for the web password login too, and unlocks after 30 minutes', async (t) => {
    const { app, mfp, clock } = await setup(t);
    for (let i = 0; i < 3; i++)
      assert.equal((await mfpLogin(app, mfp.token, pinLogin('user-a', WRONG_PIN))).statusCode, 401);
    assert.equal(
      (await mfpLogin(app, mfp.token, pinLogin('user-a', PIN))).statusCode,
      401,
      'right PIN, locked',
    );
    assert.equal((await login(app, 'user-a', PASSWORD)).statusCode, 401, 'web login locked too');
    assert.equal((await mfpLogin(app, mfp.token, passwordLogin('user-a', PASSWORD))).statusCode, 401);
    clock.advance(30 * MINUTE - 1);
    assert.equal((await mfpLogin(app, mfp.token, pinLogin('user-a', PIN))).statusCode, 401, 'still locked');
    clock.advance(1);
    assert.equal((await mfpLogin(app, mfp.token, pinLogin('user-a', PIN))).statusCode, 200, 'unlocked');
    assert.equal((await login(app, 'user-a', PASSWORD)).statusCode, 200);
  });

  it('counts wrong web passwords and wrong PINs together, and a success resets the count', async (t) => {
    const { app, mfp } = await setup(t);
    await login(app, 'user-a', 'Wrong-Passw0rd!');
    await mfpLogin(app, mfp.token, pinLogin('user-a', WRONG_PIN));
    assert.equal(
      (await mfpLogin(app, mfp.token, pinLogin('user-a', PIN))).statusCode,
      200,
      'two failures do not lock',
    );
    await login(app, 'user-a', 'Wrong-Passw0rd!');
    await login(app, 'user-a', 'Wrong-Passw0rd!');
    await mfpLogin(app, mfp.token, pinLogin('user-a', WRONG_PIN));
    assert.equal((await login(app, 'user-a', PASSWORD)).statusCode, 401, 'the third mixed failure locks');
  });

  it('takes the threshold and lock time from the lockout options', async (t) => {
    const { app, mfp, clock } = await setup(t, { lockout: { maxFailures: 5, lockMs: 2 * MINUTE } });
    for (let i = 0; i < 4; i++) await mfpLogin(app, mfp.token, pinLogin('user-a', WRONG_PIN));
    assert.equal((await mfpLogin(app, mfp.token, pinLogin('user-a', PIN))).statusCode, 200);
    for (let i = 0; i < 5; i++) await mfpLogin(app, mfp.token, pinLogin('user-a', WRONG_PIN));
    assert.equal((await mfpLogin(app, mfp.token, pinLogin('user-a', PIN))).statusCode, 401);
    clock.advance(2 * MINUTE);
    assert.equal((await mfpLogin(app, mfp.token, pinLogin('user-a', PIN))).statusCode, 200);
  });

  it('verifies the PIN at most 3 times for 20 parallel wrong PINs, mixed with web logins', async (t) => {
    const counting = countingHasher();
    const { app, mfp } = await setup(t, { passwordHasher: counting.hasher });
    const before = counting.real();
    const results = await Promise.all([
      ...Array.from({ length: 20 }, () => mfpLogin(app, mfp.token, pinLogin('user-a', WRONG_PIN))),
      ...Array.from({ length: 5 }, () => login(app, 'user-a', 'Wrong-Passw0rd!')),
    ]);
    assert.ok(results.every((r) => r.statusCode === 401));
    assert.equal(counting.real() - before, 3);
    assert.equal((await mfpLogin(app, mfp.token, pinLogin('user-a', PIN))).statusCode, 401, 'locked');
  });
});

describe('MFP sessions', () => {
  it('end after 5 idle minutes, and activity keeps them alive', async (t) => {
    const { app, mfp, clock } = await setup(t);
    const session = await mfpSession(app, mfp.token, pinLogin('user-a', PIN));
    clock.advance(5 * MINUTE - 1);
    assert.equal((await mfpMe(app, mfp.token, session)).statusCode, 200);
    clock.advance(5 * MINUTE - 1);
    assert.equal(
      (await mfpMe(app, mfp.token, session)).statusCode,
      200,
      'the last request restarted the idle time',
    );
    clock.advance(5 * MINUTE);
    const idle = await mfpMe(app, mfp.token, session);
    assert.equal(idle.statusCode, 401);
    assert.match((idle.json() as { message: string }).message, /log in at the MFP again/);
  });

  it('end after 1 hour however busy', async (t) => {
    const { app, mfp, clock } = await setup(t);
    const session = await mfpSession(app, mfp.token, pinLogin('user-a', PIN));
    for (let i = 0; i < 14; i++) {
      clock.advance(4 * MINUTE);
      assert.equal((await mfpMe(app, mfp.token, session)).statusCode, 200, `minute ${(i + 1) * 4}`);
    }
    clock.advance(4 * MINUTE);
    assert.equal((await mfpMe(app, mfp.token, session)).statusCode, 401);
  });

  it('take their timeouts from the buildApp options', async (t) => {
    const { app, mfp, clock } = await setup(t, {
      mfpSessions: { idleTimeoutMs: MINUTE, absoluteLifetimeMs: 3 * MINUTE },
    });
    const res = await mfpLogin(app, mfp.token, pinLogin('user-a', PIN));
    assert.equal((res.json() as { idleTimeoutSeconds: number }).idleTimeoutSeconds, 60);
    const session = (res.json() as { token: string }).token;
    clock.advance(MINUTE);
    assert.equal((await mfpMe(app, mfp.token, session)).statusCode, 401);
  });

  it('are bound to their MFP: another device presenting one gets 401 and ends it', async (t) => {
    const { app, admin, mfp, mfpC } = await setup(t);
    const other = await registerDevice(app, admin);
    const session = await mfpSession(app, mfp.token, pinLogin('user-a', PIN));
    assert.equal((await mfpMe(app, other.token, session)).statusCode, 401);
    assert.equal((await mfpMe(app, mfpC.token, session)).statusCode, 401);
    assert.equal((await mfpMe(app, mfp.token, session)).statusCode, 401, 'a leaked token is dead');
  });

  it('need both headers, and a web session token is not an MFP session', async (t) => {
    const { app, mfp, desktop } = await setup(t);
    const session = await mfpSession(app, mfp.token, pinLogin('user-a', PIN));
    const web = await tokenFor(app, 'user-a', PASSWORD);
    assert.equal(
      (await app.inject({ url: '/api/v1/mfp/me', headers: { 'cps-mfp-session': session } })).statusCode,
      401,
    );
    assert.equal(
      (await app.inject({ url: '/api/v1/mfp/me', headers: { authorization: `Device ${mfp.token}` } }))
        .statusCode,
      401,
    );
    assert.equal((await mfpMe(app, mfp.token, web)).statusCode, 401);
    assert.equal((await mfpMe(app, desktop.token, session)).statusCode, 403);
    assert.equal((await mfpMe(app, mfp.token, session)).statusCode, 200);
  });

  it('end at logout', async (t) => {
    const { app, mfp } = await setup(t);
    const a = await mfpSession(app, mfp.token, pinLogin('user-a', PIN));
    const b = await mfpSession(app, mfp.token, passwordLogin('user-a', PASSWORD));
    const out = await app.inject({
      method: 'POST',
      url: '/api/v1/mfp/logout',
      headers: mfpHeaders(mfp.token, a),
    });
    assert.equal(out.statusCode, 204);
    assert.equal((await mfpMe(app, mfp.token, a)).statusCode, 401);
    assert.equal((await mfpMe(app, mfp.token, b)).statusCode, 200, 'other sessions stay');
  });

  it('end on the next request when the device is revoked or the user disabled or deleted', async (t) => {
    const { app, admin, mfp, userId } = await setup(t);
    const session = await mfpSession(app, mfp.token, pinLogin('user-a', PIN));
    await app.inject({ method: 'POST', url: `/api/v1/users/${userId}/disable`, headers: bearer(admin) });
    assert.equal((await mfpMe(app, mfp.token, session)).statusCode, 401, 'disabled');
    await app.inject({ method: 'POST', url: `/api/v1/users/${userId}/enable`, headers: bearer(admin) });
    assert.equal((await mfpMe(app, mfp.token, session)).statusCode, 401, 'enabling does not revive it');

    const second = await mfpSession(app, mfp.token, pinLogin('user-a', PIN));
    await app.inject({ method: 'POST', url: `/api/v1/devices/${mfp.id}/revoke`, headers: bearer(admin) });
    assert.equal((await mfpMe(app, mfp.token, second)).statusCode, 401, 'revoked device');

    const mfp2 = await registerDevice(app, admin);
    const third = await mfpSession(app, mfp2.token, pinLogin('user-a', PIN));
    const del = await app.inject({
      method: 'DELETE',
      url: `/api/v1/users/${userId}`,
      headers: bearer(admin),
    });
    assert.equal(del.statusCode, 204);
    assert.equal((await mfpMe(app, mfp2.token, third)).statusCode, 401, 'deleted user');
  });

  it('survive a restart on the same data dir, as do PINs (the pepper key file is reused)', async (t) => {
    const clock = fakeClock();
    const first = await setup(t, { now: clock.now });
    const session = await mfpSession(first.app, first.mfp.token, pinLogin('user-a', PIN));
    await first.app.close();
    const { app } = await buildTestApp(t, { dataDir: first.dataDir, now: clock.now });
    assert.equal((await mfpMe(app, first.mfp.token, session)).statusCode, 200);
    assert.equal((await mfpLogin(app, first.mfp.token, pinLogin('user-a', PIN))).statusCode, 200);
    assert.equal((await mfpLogin(app, first.mfp.token, pinLogin('user-a', WRONG_PIN))).statusCode, 401);
  });
});

describe('deleting a user', () => {
  it('removes their web sessions, PIN, ID cards and MFP sessions (cascading foreign keys)', async (t) => {
    const { app, admin, mfp, userId, dataDir } = await setup(t);
    const session = await mfpSession(app, mfp.token, pinLogin('user-a', PIN));
    const card = await app.inject({
      method: 'POST',
      url: '/api/v1/mfp/cards',
      headers: mfpHeaders(mfp.token, session),
      payload: { cardId: '04A1B2C3D4' },
    });
    assert.equal(card.statusCode, 201, card.body);
    const db = openDb(t, dataDir);
    const count = (table: string) =>
      db.prepare(`SELECT count(*) FROM ${table} WHERE user_id = ?`).pluck().get(userId);
    const tables = ['sessions', 'pins', 'id_cards', 'mfp_sessions'];
    for (const table of tables) assert.ok(Number(count(table)) > 0, `${table} has rows of the user before`);
    const del = await app.inject({
      method: 'DELETE',
      url: `/api/v1/users/${userId}`,
      headers: bearer(admin),
    });
    assert.equal(del.statusCode, 204);
    for (const table of tables) assert.equal(count(table), 0, table);
  });
});
