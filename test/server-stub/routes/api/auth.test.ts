import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { join } from 'node:path';
import { DATABASE_FILE } from '../../../../server-stub/src/db/database.js';
import { createPasswordHasher } from '../../../../server-stub/src/services/password-hasher.js';
import type { PasswordHasher } from '../../../../server-stub/src/services/password-hasher.js';
import { hashToken } from '../../../../server-stub/src/services/session-service.js';
import { ADMIN, bearer, buildTestApp, login } from '../../helper.js';
import { buildTenants, PASSWORD } from '../../tenants.js';

const MINUTE = 60_000;

/** A real hasher that counts verifications against real (non-dummy) hashes. */
function countingHasher(): { hasher: PasswordHasher; realVerifications: () => number } {
  const inner = createPasswordHasher();
  let real = 0;
  return {
    hasher: {
      hash: (pw) => inner.hash(pw),
      verify: (hash, pw) => {
        real++;
        return inner.verify(hash, pw);
      },
      verifyDummy: (pw) => inner.verifyDummy(pw),
    },
    realVerifications: () => real,
  };
}

describe('POST /api/v1/auth/login', () => {
  it('answers 200 with an opaque bearer token of at least 128 bits for the right password', async (t) => {
    const { app } = await buildTestApp(t);
    const res = await login(app, ADMIN.username, ADMIN.password);
    assert.equal(res.statusCode, 200);
    const body = res.json() as {
      token: string;
      tokenType: string;
      expiresAt: string;
      idleTimeoutSeconds: number;
    };
    assert.equal(body.tokenType, 'Bearer');
    assert.ok(Buffer.from(body.token, 'base64url').length >= 16);
    assert.equal(body.idleTimeoutSeconds, 1800);
    assert.ok(!Number.isNaN(Date.parse(body.expiresAt)));
  });

  it('accepts the username in any letter case', async (t) => {
    const { app } = await buildTestApp(t);
    assert.equal((await login(app, ADMIN.username.toUpperCase(), ADMIN.password)).statusCode, 200);
  });

  it('issues a new token on every login', async (t) => {
    const { app } = await buildTestApp(t);
    const a = (await login(app, ADMIN.username, ADMIN.password)).json() as { token: string };
    const b = (await login(app, ADMIN.username, ADMIN.password)).json() as { token: string };
    assert.notEqual(a.token, b.token);
  });

  it('stores only the SHA-256 of the token, never the token', async (t) => {
    const { app, dataDir } = await buildTestApp(t);
    const { token } = (await login(app, ADMIN.username, ADMIN.password)).json() as { token: string };
    const db = new BetterSqlite3(join(dataDir, DATABASE_FILE), { readonly: true });
    t.after(() => db.close());
    const stored = db.prepare('SELECT token_hash FROM sessions').pluck().all();
    assert.deepEqual(stored, [hashToken(token)]);
    const dump = JSON.stringify(db.prepare('SELECT * FROM sessions').all());
    assert.ok(!dump.includes(token));
  });

  it('gives an unknown user, a wrong password and a locked account the same status and body', async (t) => {
    const { app } = await buildTestApp(t, { lockout: { maxFailures: 3 } });
    const unknown = await login(app, 'nobody', ADMIN.password);
    const wrong = await login(app, ADMIN.username, 'Wrong-Passw0rd!');
    await login(app, ADMIN.username, 'Wrong-Passw0rd!');
    await login(app, ADMIN.username, 'Wrong-Passw0rd!');
    const lockedRightPassword = await login(app, ADMIN.username, ADMIN.password);
    for (const res of [unknown, wrong, lockedRightPassword]) {
      assert.equal(res.statusCode, 401);
      assert.equal(res.body, unknown.body);
    }
    assert.deepEqual(Object.keys(unknown.json() as object).sort(), ['error', 'message']);
  });

  it('spends one argon2 verification on an unknown user too', async (t) => {
    const inner = createPasswordHasher();
    let dummies = 0;
    const hasher: PasswordHasher = { ...inner, verifyDummy: (pw) => (dummies++, inner.verifyDummy(pw)) };
    const { app } = await buildTestApp(t, { passwordHasher: hasher });
    await login(app, 'nobody', 'Whatever1!');
    assert.equal(dummies, 1);
  });

  it('locks the account after 3 consecutive failures for 30 minutes, then unlocks by itself', async (t) => {
    const { app, clock } = await buildTestApp(t);
    for (let i = 0; i < 3; i++)
      assert.equal((await login(app, ADMIN.username, 'Wrong-Passw0rd!')).statusCode, 401);
    assert.equal((await login(app, ADMIN.username, ADMIN.password)).statusCode, 401, 'locked');
    clock.advance(30 * MINUTE - 1);
    assert.equal((await login(app, ADMIN.username, ADMIN.password)).statusCode, 401, 'still locked');
    clock.advance(1);
    assert.equal((await login(app, ADMIN.username, ADMIN.password)).statusCode, 200, 'unlocked');
  });

  it('does not lock after 2 failures, and a success resets the count', async (t) => {
    const { app } = await buildTestApp(t);
    await login(app, ADMIN.username, 'Wrong-Passw0rd!');
    await login(app, ADMIN.username, 'Wrong-Passw0rd!');
    assert.equal((await login(app, ADMIN.username, ADMIN.password)).statusCode, 200);
    await login(app, ADMIN.username, 'Wrong-Passw0rd!');
    await login(app, ADMIN.username, 'Wrong-Passw0rd!');
    assert.equal((await login(app, ADMIN.username, ADMIN.password)).statusCode, 200);
  });

  it('takes the threshold and lock time from the options', async (t) => {
    const { app, clock } = await buildTestApp(t, {
      lockout: { maxFailures: 5, lockMs: 2 * MINUTE },
      loginRateLimit: { max: 100, timeWindowMs: MINUTE },
    });
    for (let i = 0; i < 4; i++) await login(app, ADMIN.username, 'Wrong-Passw0rd!');
    assert.equal(
      (await login(app, ADMIN.username, ADMIN.password)).statusCode,
      200,
      '4 failures do not lock',
    );
    for (let i = 0; i < 5; i++) await login(app, ADMIN.username, 'Wrong-Passw0rd!');
    assert.equal((await login(app, ADMIN.username, ADMIN.password)).statusCode, 401, '5 failures lock');
    clock.advance(2 * MINUTE);
    assert.equal((await login(app, ADMIN.username, ADMIN.password)).statusCode, 200);
  });

  it('verifies the password at most 3 times for 20 parallel wrong attempts', async (t) => {
    const { hasher, realVerifications } = countingHasher();
    const { app } = await buildTestApp(t, {
      passwordHasher: hasher,
      loginRateLimit: { max: 1000, timeWindowMs: 60_000 },
    });
    const results = await Promise.all(
      Array.from({ length: 20 }, () => login(app, ADMIN.username, 'Wrong-Passw0rd!')),
    );
    assert.ok(results.every((r) => r.statusCode === 401));
    assert.equal(realVerifications(), 3);
    assert.equal((await login(app, ADMIN.username, ADMIN.password)).statusCode, 401, 'the account is locked');
  });

  it('throttles login attempts per client address with 429 and a JSON error', async (t) => {
    const { app } = await buildTestApp(t, { loginRateLimit: { max: 2, timeWindowMs: 60_000 } });
    await login(app, 'nobody', 'x');
    await login(app, 'nobody', 'x');
    const res = await login(app, 'nobody', 'x');
    assert.equal(res.statusCode, 429);
    assert.equal((res.json() as { error: string }).error, 'too_many_requests');
    assert.ok(res.headers['retry-after']);
  });

  it('refuses a body without a password with 400 and a JSON error', async (t) => {
    const { app } = await buildTestApp(t);
    const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'a' } });
    assert.equal(res.statusCode, 400);
    const body = res.json() as { error: string; message: string };
    assert.equal(body.error, 'bad_request');
    assert.match(body.message, /password/);
  });
});

describe('POST /api/v1/auth/logout', () => {
  it('revokes the session so the very next request with it is refused', async (t) => {
    const { app } = await buildTestApp(t);
    const { token } = (await login(app, ADMIN.username, ADMIN.password)).json() as { token: string };
    assert.equal((await app.inject({ url: '/api/v1/me', headers: bearer(token) })).statusCode, 200);
    const out = await app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: bearer(token) });
    assert.equal(out.statusCode, 204);
    assert.equal((await app.inject({ url: '/api/v1/me', headers: bearer(token) })).statusCode, 401);
  });

  it('leaves the other sessions of the same user alive', async (t) => {
    const { app } = await buildTestApp(t);
    const a = (await login(app, ADMIN.username, ADMIN.password)).json() as { token: string };
    const b = (await login(app, ADMIN.username, ADMIN.password)).json() as { token: string };
    await app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: bearer(a.token) });
    assert.equal((await app.inject({ url: '/api/v1/me', headers: bearer(b.token) })).statusCode, 200);
  });

  it('refuses a logout without a session', async (t) => {
    const { app } = await buildTestApp(t);
    assert.equal((await app.inject({ method: 'POST', url: '/api/v1/auth/logout' })).statusCode, 401);
  });
});

describe('desktop sessions and the idle-logout policy', () => {
  it("ends a desktop client's idle session after the organization's idle-logout minutes, a web session after the default", async (t) => {
    const { app, clock } = await buildTestApp(t);
    const tenants = await buildTenants(app);
    const set = await app.inject({
      method: 'PATCH',
      url: `/api/v1/organizations/${tenants.root.orgId}/policy`,
      headers: bearer(tenants.root.token),
      payload: { idleLogoutMinutes: 5 },
    });
    assert.equal(set.statusCode, 200, set.body);
    const desktop = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'admin-a', password: PASSWORD, client: 'desktop' },
    });
    assert.equal(desktop.statusCode, 200);
    const { token, idleTimeoutSeconds } = desktop.json() as { token: string; idleTimeoutSeconds: number };
    assert.equal(idleTimeoutSeconds, 300);
    const web = await login(app, 'admin-a', PASSWORD);
    assert.equal((web.json() as { idleTimeoutSeconds: number }).idleTimeoutSeconds, 1800);
    const webToken = (web.json() as { token: string }).token;
    const me = (tok: string) => app.inject({ url: '/api/v1/me', headers: bearer(tok) });
    clock.advance(4 * 60_000);
    assert.equal((await me(token)).statusCode, 200); // activity: the idle time starts again
    clock.advance(4 * 60_000);
    assert.equal((await me(token)).statusCode, 200);
    clock.advance(5 * 60_000 + 1);
    assert.equal((await me(token)).statusCode, 401);
    assert.equal((await me(webToken)).statusCode, 200);
    assert.equal(
      (
        await app.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          payload: { username: 'x', password: 'y', client: 'tv' },
        })
      ).statusCode,
      400,
    );
  });
});
