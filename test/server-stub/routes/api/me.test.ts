import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ADMIN, bearer, buildTestApp, tokenFor } from '../../helper.js';

const MINUTE = 60_000;

describe('GET /api/v1/me', () => {
  it('answers the caller: user, organization and role, without secrets', async (t) => {
    const { app } = await buildTestApp(t);
    const token = await tokenFor(app, ADMIN.username, ADMIN.password);
    const res = await app.inject({ url: '/api/v1/me', headers: bearer(token) });
    assert.equal(res.statusCode, 200);
    const body = res.json() as {
      user: Record<string, unknown>;
      organization: Record<string, unknown>;
      role: string;
    };
    assert.equal(body.role, 'provider_admin');
    assert.equal(body.user.username, ADMIN.username);
    assert.equal(body.organization.kind, 'provider');
    assert.equal(body.organization.parentId, null);
    assert.equal(body.user.organizationId, body.organization.id);
    assert.deepEqual(Object.keys(body.user).sort(), [
      'disabled',
      'group',
      'id',
      'lockedUntil',
      'organizationId',
      'role',
      'username',
    ]);
  });

  it('refuses a missing, malformed or unknown token with 401 and a Bearer challenge', async (t) => {
    const { app } = await buildTestApp(t);
    for (const headers of [{}, { authorization: 'Basic abc' }, bearer('A'.repeat(43))]) {
      const res = await app.inject({ url: '/api/v1/me', headers });
      assert.equal(res.statusCode, 401);
      assert.equal(res.headers['www-authenticate'], 'Bearer');
      assert.equal((res.json() as { error: string }).error, 'unauthorized');
    }
  });

  it('ends a session idle for the idle timeout, and keeps one used just before it', async (t) => {
    const { app, clock } = await buildTestApp(t, { sessions: { idleTimeoutMs: 30 * MINUTE } });
    const token = await tokenFor(app, ADMIN.username, ADMIN.password);
    clock.advance(30 * MINUTE - 1);
    assert.equal((await app.inject({ url: '/api/v1/me', headers: bearer(token) })).statusCode, 200);
    clock.advance(30 * MINUTE - 1);
    assert.equal(
      (await app.inject({ url: '/api/v1/me', headers: bearer(token) })).statusCode,
      200,
      'use renews',
    );
    clock.advance(30 * MINUTE);
    assert.equal((await app.inject({ url: '/api/v1/me', headers: bearer(token) })).statusCode, 401);
    clock.advance(-30 * MINUTE);
    assert.equal(
      (await app.inject({ url: '/api/v1/me', headers: bearer(token) })).statusCode,
      401,
      'an expired session is deleted, not just refused',
    );
  });

  it('ends a busy session at its absolute lifetime', async (t) => {
    const { app, clock } = await buildTestApp(t, {
      sessions: { idleTimeoutMs: 30 * MINUTE, absoluteLifetimeMs: 60 * MINUTE },
    });
    const token = await tokenFor(app, ADMIN.username, ADMIN.password);
    for (let i = 0; i < 3; i++) {
      clock.advance(20 * MINUTE - 1);
      assert.equal((await app.inject({ url: '/api/v1/me', headers: bearer(token) })).statusCode, 200);
    }
    clock.advance(3);
    assert.equal((await app.inject({ url: '/api/v1/me', headers: bearer(token) })).statusCode, 401);
  });

  it('keeps a session across a restart of the server on the same data dir', async (t) => {
    const first = await buildTestApp(t);
    const token = await tokenFor(first.app, ADMIN.username, ADMIN.password);
    await first.app.close();
    const second = await buildTestApp(t, { dataDir: first.dataDir, now: first.clock.now });
    assert.equal((await second.app.inject({ url: '/api/v1/me', headers: bearer(token) })).statusCode, 200);
  });
});
