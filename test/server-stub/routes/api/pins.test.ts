import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { DATABASE_FILE } from '../../../../server-stub/src/db/database.js';
import { REVEAL_TTL_MS } from '../../../../server-stub/src/services/pin-service.js';
import { bearer, buildTestApp, fakeClock, tokenFor } from '../../helper.js';
import { createUser, mfpLogin, openDb, registerDevice } from '../../mfp.js';
import { buildTenants, PASSWORD } from '../../tenants.js';

const DAY = 24 * 3_600_000;

interface PinBody {
  set: boolean;
  length: number | null;
  masked: string | null;
  pin?: string | null;
  setBy: string | null;
  requiredLength: number;
  awaitingReveal?: boolean;
}

/** Customer A with a user (`user-a`), a colleague (`colleague-a`) and a print manager; their ids and tokens. */
async function setup(
  t: Parameters<typeof buildTestApp>[0],
  options: Parameters<typeof buildTestApp>[1] = {},
) {
  const built = await buildTestApp(t, { loginRateLimit: { max: 1000, timeWindowMs: 60_000 }, ...options });
  const tenants = await buildTenants(built.app);
  const admin = tenants.customerA.adminToken;
  const userId = await createUser(built.app, admin, 'user-a');
  const colleagueId = await createUser(built.app, admin, 'colleague-a');
  const pmId = await createUser(built.app, admin, 'pm-a', 'print_manager');
  return {
    ...built,
    tenants,
    admin,
    userId,
    colleagueId,
    pmId,
    userToken: await tokenFor(built.app, 'user-a', PASSWORD),
    pmToken: await tokenFor(built.app, 'pm-a', PASSWORD),
  };
}

function call(
  app: FastifyInstance,
  method: 'GET' | 'PUT' | 'POST' | 'DELETE',
  url: string,
  token: string,
  payload?: object,
) {
  return app.inject({ method, url, headers: bearer(token), ...(payload ? { payload } : {}) });
}

const pinOf = (res: { json: () => unknown }) => res.json() as PinBody;

/** The database file and its WAL, as bytes. */
function databaseBytes(dataDir: string): Buffer {
  const files = [DATABASE_FILE, `${DATABASE_FILE}-wal`]
    .map((f) => join(dataDir, f))
    .filter((f) => existsSync(f));
  return Buffer.concat(files.map((f) => readFileSync(f)));
}

/** A 6-digit PIN whose text occurs nowhere in the database yet (so a later hit means it was stored). */
function absentPin(dataDir: string): string {
  const bytes = databaseBytes(dataDir);
  for (let n = 271828; ; n = (n + 104729) % 1_000_000) {
    const pin = String(n).padStart(6, '0');
    if (!bytes.includes(pin)) return pin;
  }
}

describe("the owner's PIN (/api/v1/me/pin)", () => {
  it('shows a PIN the owner sets in clear in that answer only, and masked afterwards', async (t) => {
    const { app, userToken } = await setup(t);
    const before = pinOf(await call(app, 'GET', '/api/v1/me/pin', userToken));
    assert.deepEqual(
      { set: before.set, masked: before.masked, pin: before.pin, requiredLength: before.requiredLength },
      { set: false, masked: null, pin: null, requiredLength: 4 },
    );
    const put = await call(app, 'PUT', '/api/v1/me/pin', userToken, { pin: '0815' });
    assert.equal(put.statusCode, 200, put.body);
    assert.deepEqual(
      { pin: pinOf(put).pin, masked: pinOf(put).masked, length: pinOf(put).length, setBy: pinOf(put).setBy },
      { pin: '0815', masked: '****', length: 4, setBy: 'self' },
    );
    const after = pinOf(await call(app, 'GET', '/api/v1/me/pin', userToken));
    assert.equal(after.set, true);
    assert.equal(after.masked, '****');
    assert.equal(after.pin, null, 'only a hash is kept, so it cannot be shown again');
  });

  it('accepts any PIN of the right length, weak ones included (whitepaper: any PIN code)', async (t) => {
    const { app, userToken } = await setup(t);
    for (const pin of ['0000', '1234', '9999']) {
      assert.equal((await call(app, 'PUT', '/api/v1/me/pin', userToken, { pin })).statusCode, 200, pin);
    }
  });

  it('refuses a wrong length or anything but ASCII digits with a 400 naming the length', async (t) => {
    const { app, userToken } = await setup(t);
    for (const pin of ['123', '12345', '12a4', ' 1234', '١٢٣٤', '+123', '']) {
      const res = await call(app, 'PUT', '/api/v1/me/pin', userToken, { pin });
      assert.equal(res.statusCode, 400, JSON.stringify(pin));
      if (pin !== '') {
        assert.equal((res.json() as { error: string }).error, 'pin_format');
        assert.match((res.json() as { message: string }).message, /exactly 4 digits/);
      }
    }
    const extra = await call(app, 'PUT', '/api/v1/me/pin', userToken, { pin: '1234', userId: 'x' });
    assert.equal(extra.statusCode, 400, 'unknown properties are refused');
    const number = await call(app, 'PUT', '/api/v1/me/pin', userToken, { pin: 1234 });
    assert.equal(number.statusCode, 400, 'a number is not coerced');
    assert.equal(pinOf(await call(app, 'GET', '/api/v1/me/pin', userToken)).set, false);
  });

  it('generates a random PIN of the organization length for its owner, shown in that answer', async (t) => {
    const { app, userToken } = await setup(t);
    const seen = new Set<string>();
    for (let i = 0; i < 5; i++) {
      const res = await call(app, 'POST', '/api/v1/me/pin/generate', userToken);
      assert.equal(res.statusCode, 200, res.body);
      const body = pinOf(res);
      assert.match(body.pin ?? '', /^[0-9]{4}$/);
      assert.equal(body.setBy, 'self');
      seen.add(body.pin ?? '');
    }
    assert.ok(seen.size >= 2, 'five random 4-digit PINs are not all alike');
  });

  it('lets the owner remove their PIN', async (t) => {
    const { app, userToken } = await setup(t);
    await call(app, 'PUT', '/api/v1/me/pin', userToken, { pin: '2468' });
    assert.equal((await call(app, 'DELETE', '/api/v1/me/pin', userToken)).statusCode, 204);
    assert.equal(pinOf(await call(app, 'GET', '/api/v1/me/pin', userToken)).set, false);
  });

  it('gives a provider account no PIN (403), since only customers log in at MFPs', async (t) => {
    const { app, tenants } = await setup(t);
    const res = await call(app, 'PUT', '/api/v1/me/pin', tenants.root.token, { pin: '1234' });
    assert.equal(res.statusCode, 403);
    assert.equal((res.json() as { error: string }).error, 'no_mfp_login');
  });

  it('needs a session', async (t) => {
    const { app } = await setup(t);
    assert.equal((await app.inject({ url: '/api/v1/me/pin' })).statusCode, 401);
  });
});

describe("a user's PIN for the customer admin (/api/v1/users/:id/pin)", () => {
  it('shows the admin only a mask of the right length, never the PIN', async (t) => {
    const { app, admin, userId, userToken } = await setup(t);
    await call(app, 'PUT', '/api/v1/me/pin', userToken, { pin: '4711' });
    const res = await call(app, 'GET', `/api/v1/users/${userId}/pin`, admin);
    assert.equal(res.statusCode, 200);
    const body = pinOf(res);
    assert.deepEqual(
      {
        set: body.set,
        masked: body.masked,
        length: body.length,
        setBy: body.setBy,
        awaiting: body.awaitingReveal,
      },
      { set: true, masked: '****', length: 4, setBy: 'self', awaiting: false },
    );
    assert.ok(!('pin' in body));
    assert.ok(!res.body.includes('4711'));
  });

  it('sets a PIN answered masked, which the owner then sees in clear once', async (t) => {
    const { app, admin, userId, userToken } = await setup(t);
    const put = await call(app, 'PUT', `/api/v1/users/${userId}/pin`, admin, { pin: '5823' });
    assert.equal(put.statusCode, 200, put.body);
    assert.ok(!put.body.includes('5823'));
    assert.equal(pinOf(put).awaitingReveal, true);
    const first = pinOf(await call(app, 'GET', '/api/v1/me/pin', userToken));
    assert.equal(first.pin, '5823');
    assert.equal(first.setBy, 'admin');
    assert.equal(pinOf(await call(app, 'GET', '/api/v1/me/pin', userToken)).pin, null, 'shown once');
    assert.equal(pinOf(await call(app, 'GET', `/api/v1/users/${userId}/pin`, admin)).awaitingReveal, false);
  });

  it('does not let a HEAD request use up the one reveal', async (t) => {
    const { app, admin, userId, userToken } = await setup(t);
    await call(app, 'PUT', `/api/v1/users/${userId}/pin`, admin, { pin: '6174' });
    const head = await app.inject({ method: 'HEAD', url: '/api/v1/me/pin', headers: bearer(userToken) });
    assert.equal(head.statusCode, 200);
    assert.equal(head.body, '');
    assert.equal(pinOf(await call(app, 'GET', '/api/v1/me/pin', userToken)).pin, '6174');
  });

  it('generates a PIN the admin never sees; the owner sees it once and logs in with it at the MFP', async (t) => {
    const { app, admin, userId, userToken } = await setup(t);
    const gen = await call(app, 'POST', `/api/v1/users/${userId}/pin/generate`, admin);
    assert.equal(gen.statusCode, 200, gen.body);
    assert.equal(pinOf(gen).masked, '****');
    assert.ok(!('pin' in pinOf(gen)));
    const pin = pinOf(await call(app, 'GET', '/api/v1/me/pin', userToken)).pin;
    assert.match(pin ?? '', /^[0-9]{4}$/);
    const mfp = await registerDevice(app, admin);
    const login = await mfpLogin(app, mfp.token, { method: 'pin', username: 'user-a', pin });
    assert.equal(login.statusCode, 200, login.body);
  });

  it('deletes the unread copy of an admin-made PIN after 7 days (the PIN itself keeps working)', async (t) => {
    const { app, admin, userId, clock, dataDir } = await setup(t);
    const mfp = await registerDevice(app, admin);
    await call(app, 'PUT', `/api/v1/users/${userId}/pin`, admin, { pin: '3141' });
    clock.advance(REVEAL_TTL_MS);
    const fresh = await tokenFor(app, 'user-a', PASSWORD); // web sessions end after 12 hours
    const view = pinOf(await call(app, 'GET', '/api/v1/me/pin', fresh));
    assert.deepEqual({ set: view.set, pin: view.pin }, { set: true, pin: null });
    const db = openDb(t, dataDir);
    assert.equal(db.prepare('SELECT count(*) FROM pins WHERE sealed IS NOT NULL').pluck().get(), 0);
    const login = await mfpLogin(app, mfp.token, { method: 'pin', username: 'user-a', pin: '3141' });
    assert.equal(login.statusCode, 200);
  });

  it('deletes copies past their 7 days at start, even when nobody asks for them', async (t) => {
    const clock = fakeClock();
    const first = await setup(t, { now: clock.now });
    await call(first.app, 'POST', `/api/v1/users/${first.userId}/pin/generate`, first.admin);
    await call(first.app, 'POST', `/api/v1/users/${first.colleagueId}/pin/generate`, first.admin);
    clock.advance(REVEAL_TTL_MS - 6 * DAY);
    const admin = await tokenFor(first.app, 'admin-a', PASSWORD); // web sessions end after 12 hours
    const put = await call(first.app, 'PUT', `/api/v1/users/${first.colleagueId}/pin`, admin, {
      pin: '2718',
    });
    assert.equal(put.statusCode, 200);
    await first.app.close();
    clock.advance(6 * DAY);
    await buildTestApp(t, { dataDir: first.dataDir, now: clock.now });
    const db = openDb(t, first.dataDir);
    const rows = db.prepare('SELECT user_id AS u, sealed IS NOT NULL AS s FROM pins ORDER BY s').all();
    assert.deepEqual(rows, [
      { u: first.userId, s: 0 },
      { u: first.colleagueId, s: 1 },
    ]);
  });

  it('lets the admin remove a PIN, and then PIN login fails', async (t) => {
    const { app, admin, userId, userToken } = await setup(t);
    await call(app, 'PUT', '/api/v1/me/pin', userToken, { pin: '1357' });
    assert.equal((await call(app, 'DELETE', `/api/v1/users/${userId}/pin`, admin)).statusCode, 204);
    assert.equal(pinOf(await call(app, 'GET', `/api/v1/users/${userId}/pin`, admin)).set, false);
    const mfp = await registerDevice(app, admin);
    assert.equal(
      (await mfpLogin(app, mfp.token, { method: 'pin', username: 'user-a', pin: '1357' })).statusCode,
      401,
    );
  });

  it("answers another customer's admin, a provider admin and a customer user the same 404", async (t) => {
    const { app, tenants, userId, colleagueId, userToken } = await setup(t);
    const probes = [
      ['GET', tenants.customerC.adminToken, userId],
      ['PUT', tenants.customerC.adminToken, userId],
      ['POST', tenants.customerC.adminToken, userId],
      ['DELETE', tenants.customerC.adminToken, userId],
      ['GET', tenants.root.token, userId],
      ['GET', userToken, colleagueId],
      ['PUT', userToken, colleagueId],
      ['GET', tenants.customerC.adminToken, 'no-such-user'],
    ] as const;
    const bodies = new Set<string>();
    for (const [method, token, id] of probes) {
      const url = method === 'POST' ? `/api/v1/users/${id}/pin/generate` : `/api/v1/users/${id}/pin`;
      const res = await call(app, method, url, token, method === 'PUT' ? { pin: '1111' } : undefined);
      assert.equal(res.statusCode, 404, `${method} ${id}`);
      bodies.add(res.body);
    }
    assert.equal(bodies.size, 1, 'one body for unknown and out of reach');
  });

  it('refuses with 403 a print manager (who sees users) and a customer user on the admin route for themself', async (t) => {
    const { app, userId, pmToken, userToken } = await setup(t);
    assert.equal((await call(app, 'GET', `/api/v1/users/${userId}/pin`, pmToken)).statusCode, 403);
    assert.equal((await call(app, 'GET', `/api/v1/users/${userId}/pin`, userToken)).statusCode, 403);
  });
});

describe('the PIN length of an organization (/api/v1/organizations/:id/pin-settings)', () => {
  it('is 4 by default; the customer admin chooses 4, 5 or 6 and new PINs must have it', async (t) => {
    const { app, tenants, admin, userToken } = await setup(t);
    const url = `/api/v1/organizations/${tenants.customerA.orgId}/pin-settings`;
    assert.deepEqual((await call(app, 'GET', url, admin)).json(), { pinLength: 4 });
    for (const bad of [3, 7, '6', 5.5]) {
      assert.equal((await call(app, 'PUT', url, admin, { pinLength: bad })).statusCode, 400, String(bad));
    }
    const put = await call(app, 'PUT', url, admin, { pinLength: 6 });
    assert.equal(put.statusCode, 200);
    assert.deepEqual(put.json(), { pinLength: 6 });
    const short = await call(app, 'PUT', '/api/v1/me/pin', userToken, { pin: '1234' });
    assert.equal(short.statusCode, 400);
    assert.match((short.json() as { message: string }).message, /exactly 6 digits/);
    assert.equal((await call(app, 'PUT', '/api/v1/me/pin', userToken, { pin: '123456' })).statusCode, 200);
    const gen = pinOf(await call(app, 'POST', '/api/v1/me/pin/generate', userToken));
    assert.match(gen.pin ?? '', /^[0-9]{6}$/);
    assert.equal(gen.requiredLength, 6);
  });

  it('keeps an existing PIN of the old length working until it is reset', async (t) => {
    const { app, tenants, admin, userToken } = await setup(t);
    await call(app, 'PUT', '/api/v1/me/pin', userToken, { pin: '2580' });
    await call(app, 'PUT', `/api/v1/organizations/${tenants.customerA.orgId}/pin-settings`, admin, {
      pinLength: 5,
    });
    const view = pinOf(await call(app, 'GET', '/api/v1/me/pin', userToken));
    assert.deepEqual(
      { length: view.length, requiredLength: view.requiredLength },
      { length: 4, requiredLength: 5 },
    );
    const mfp = await registerDevice(app, admin);
    assert.equal(
      (await mfpLogin(app, mfp.token, { method: 'pin', username: 'user-a', pin: '2580' })).statusCode,
      200,
    );
  });

  it("answers another customer's admin 404 and other roles of the organization 403", async (t) => {
    const { app, tenants, userToken, pmToken } = await setup(t);
    const url = `/api/v1/organizations/${tenants.customerA.orgId}/pin-settings`;
    assert.equal((await call(app, 'GET', url, tenants.customerC.adminToken)).statusCode, 404);
    assert.equal(
      (await call(app, 'PUT', url, tenants.customerC.adminToken, { pinLength: 6 })).statusCode,
      404,
    );
    assert.equal(
      (await call(app, 'GET', '/api/v1/organizations/nope/pin-settings', tenants.customerA.adminToken))
        .statusCode,
      404,
    );
    assert.equal((await call(app, 'PUT', url, userToken, { pinLength: 6 })).statusCode, 403);
    assert.equal((await call(app, 'PUT', url, pmToken, { pinLength: 6 })).statusCode, 403);
    assert.equal(
      (await call(app, 'PUT', url, tenants.root.token, { pinLength: 6 })).statusCode,
      403,
      'the parent provider',
    );
    assert.deepEqual((await call(app, 'GET', url, tenants.customerA.adminToken)).json(), { pinLength: 4 });
  });
});

describe('PIN storage', () => {
  it('keeps no PIN in the database file or its WAL, only an argon2id hash', async (t) => {
    const { app, admin, userId, colleagueId, userToken, tenants, dataDir } = await setup(t);
    await call(app, 'PUT', `/api/v1/organizations/${tenants.customerA.orgId}/pin-settings`, admin, {
      pinLength: 6,
    });
    const own = absentPin(dataDir);
    assert.equal((await call(app, 'PUT', '/api/v1/me/pin', userToken, { pin: own })).statusCode, 200);
    const byAdmin = absentPin(dataDir);
    assert.equal(
      (await call(app, 'PUT', `/api/v1/users/${colleagueId}/pin`, admin, { pin: byAdmin })).statusCode,
      200,
    );
    // A generated PIN is random: retry in the rare case its digits were already in the file by chance.
    let generated = '';
    for (let attempt = 0; attempt < 5 && !generated; attempt++) {
      const before = databaseBytes(dataDir);
      await call(app, 'POST', `/api/v1/users/${userId}/pin/generate`, admin);
      const pin = pinOf(await call(app, 'GET', '/api/v1/me/pin', userToken)).pin ?? '';
      if (!before.includes(pin)) generated = pin;
    }
    assert.match(generated, /^[0-9]{6}$/);
    const mfp = await registerDevice(app, admin);
    assert.equal(
      (await mfpLogin(app, mfp.token, { method: 'pin', username: 'user-a', pin: generated })).statusCode,
      200,
    );
    const bytes = databaseBytes(dataDir);
    assert.ok(existsSync(join(dataDir, `${DATABASE_FILE}-wal`)), 'the WAL is part of the scan');
    for (const pin of [own, byAdmin, generated])
      assert.ok(!bytes.includes(pin), `PIN ${pin} found in the database`);
    const hashes = openDb(t, dataDir).prepare('SELECT pin_hash FROM pins').pluck().all() as string[];
    assert.equal(hashes.length, 2);
    for (const h of hashes) assert.match(h, /^\$argon2id\$/);
  });
});
