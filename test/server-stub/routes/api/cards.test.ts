import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { DATABASE_FILE } from '../../../../server-stub/src/db/database.js';
import { CARD_KEY_FILE, MAX_CARDS_PER_USER } from '../../../../server-stub/src/services/card-service.js';
import { bearer, buildTestApp, fakeClock, login, tokenFor } from '../../helper.js';
import {
  createUser,
  mfpHeaders,
  mfpLogin,
  mfpSession,
  openDb,
  registerDevice,
  setOwnPin,
} from '../../mfp.js';
import { buildTenants, PASSWORD } from '../../tenants.js';

const CARD = '04A1B2C3D4E5F6';
const MINUTE = 60_000;

interface CardBody {
  id: string;
  hint: string;
  deviceId: string | null;
  createdAt: string;
  lastUsedAt: string | null;
}

/** Customer A with `user-a` and `colleague-a` and an MFP; customer C with `user-c` and an MFP. */
async function setup(
  t: Parameters<typeof buildTestApp>[0],
  options: Parameters<typeof buildTestApp>[1] = {},
) {
  const built = await buildTestApp(t, { mfpLoginRateLimit: { max: 1000, timeWindowMs: MINUTE }, ...options });
  const { app } = built;
  const tenants = await buildTenants(app);
  const admin = tenants.customerA.adminToken;
  const userId = await createUser(app, admin, 'user-a');
  const colleagueId = await createUser(app, admin, 'colleague-a');
  const userCId = await createUser(app, tenants.customerC.adminToken, 'user-c');
  return {
    ...built,
    tenants,
    admin,
    userId,
    colleagueId,
    userCId,
    mfp: await registerDevice(app, admin),
    mfpC: await registerDevice(app, tenants.customerC.adminToken),
  };
}

/** Logs `username` in at the MFP with the password and registers a card there. */
async function registerCard(app: FastifyInstance, deviceToken: string, username: string, cardId: string) {
  const session = await mfpSession(app, deviceToken, { method: 'password', username, password: PASSWORD });
  return app.inject({
    method: 'POST',
    url: '/api/v1/mfp/cards',
    headers: mfpHeaders(deviceToken, session),
    payload: { cardId },
  });
}

const cardLogin = (cardId: string) => ({ method: 'card', cardId });

function listOwn(app: FastifyInstance, token: string): Promise<CardBody[]> {
  return app
    .inject({ url: '/api/v1/me/cards', headers: bearer(token) })
    .then((res) => (res.json() as { cards: CardBody[] }).cards);
}

describe('registering an ID card at the MFP (POST /api/v1/mfp/cards)', () => {
  it('registers a card for the logged-in user, which then logs them in at an MFP of their organization', async (t) => {
    const { app, mfp, userId, clock } = await setup(t);
    const res = await registerCard(app, mfp.token, 'user-a', CARD);
    assert.equal(res.statusCode, 201, res.body);
    const card = res.json() as CardBody;
    assert.deepEqual([card.hint, card.deviceId, card.lastUsedAt], ['E5F6', mfp.id, null]);
    clock.advance(MINUTE);
    const loggedIn = await mfpLogin(app, mfp.token, cardLogin(CARD));
    assert.equal(loggedIn.statusCode, 200, loggedIn.body);
    assert.equal((loggedIn.json() as { user: { id: string } }).user.id, userId);
    const token = (loggedIn.json() as { token: string }).token;
    const me = await app.inject({ url: '/api/v1/mfp/me', headers: mfpHeaders(mfp.token, token) });
    assert.equal((me.json() as { method: string }).method, 'card');
    const [listed] = await listOwn(app, await tokenFor(app, 'user-a', PASSWORD));
    assert.equal(listed?.lastUsedAt, new Date(Date.UTC(2026, 0, 1) + MINUTE).toISOString());
  });

  it("compares card ids without letter case and answers 200 when the card is already the user's", async (t) => {
    const { app, mfp } = await setup(t);
    const first = (await registerCard(app, mfp.token, 'user-a', CARD)).json() as CardBody;
    const again = await registerCard(app, mfp.token, 'user-a', CARD.toLowerCase());
    assert.equal(again.statusCode, 200);
    assert.equal((again.json() as CardBody).id, first.id);
    assert.equal((await mfpLogin(app, mfp.token, cardLogin(CARD.toLowerCase()))).statusCode, 200);
  });

  it('refuses a card held by another user of the organization with 409, naming nobody', async (t) => {
    const { app, mfp, userId } = await setup(t);
    await registerCard(app, mfp.token, 'user-a', CARD);
    const res = await registerCard(app, mfp.token, 'colleague-a', CARD);
    assert.equal(res.statusCode, 409);
    assert.equal((res.json() as { error: string }).error, 'card_taken');
    assert.ok(!res.body.includes('user-a') && !res.body.includes(userId));
  });

  it('lets the same card be registered in two organizations, each logging in its own user', async (t) => {
    const { app, mfp, mfpC, userId, userCId } = await setup(t);
    assert.equal((await registerCard(app, mfp.token, 'user-a', CARD)).statusCode, 201);
    assert.equal((await registerCard(app, mfpC.token, 'user-c', CARD)).statusCode, 201);
    const a = await mfpLogin(app, mfp.token, cardLogin(CARD));
    const c = await mfpLogin(app, mfpC.token, cardLogin(CARD));
    assert.equal((a.json() as { user: { id: string } }).user.id, userId);
    assert.equal((c.json() as { user: { id: string } }).user.id, userCId);
  });

  it('refuses malformed card ids with 400', async (t) => {
    const { app, mfp } = await setup(t);
    for (const cardId of ['ABC', 'AB CD', 'ÄBCDE', 'A'.repeat(65), '']) {
      assert.equal(
        (await registerCard(app, mfp.token, 'user-a', cardId)).statusCode,
        400,
        JSON.stringify(cardId),
      );
    }
  });

  it(`holds at most ${MAX_CARDS_PER_USER} cards per user (409)`, async (t) => {
    const { app, mfp } = await setup(t);
    for (let i = 0; i < MAX_CARDS_PER_USER; i++) {
      assert.equal((await registerCard(app, mfp.token, 'user-a', `CAFE00${i}0`)).statusCode, 201);
    }
    const res = await registerCard(app, mfp.token, 'user-a', 'CAFE0999');
    assert.equal(res.statusCode, 409);
    assert.equal((res.json() as { error: string }).error, 'card_limit');
  });

  it('needs an MFP session', async (t) => {
    const { app, mfp } = await setup(t);
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/mfp/cards',
      headers: { authorization: `Device ${mfp.token}` },
      payload: { cardId: CARD },
    });
    assert.equal(res.statusCode, 401);
  });

  it('keeps a hint of at most 4 characters and at most half the id', async (t) => {
    const { app, mfp } = await setup(t);
    const hints = [];
    for (const cardId of ['1A2B', '123456', '12345678']) {
      hints.push(((await registerCard(app, mfp.token, 'user-a', cardId)).json() as CardBody).hint);
    }
    assert.deepEqual(hints, ['2B', '456', '5678']);
  });
});

describe('ID card login (POST /api/v1/mfp/login { method: card })', () => {
  it('gives an unknown card, a card of another organization, and a disabled or locked holder the one 401 of a wrong PIN', async (t) => {
    const { app, admin, mfp, mfpC, userId } = await setup(t);
    await setOwnPin(app, await tokenFor(app, 'user-a', PASSWORD), '4711');
    await registerCard(app, mfp.token, 'user-a', CARD);
    await registerCard(app, mfp.token, 'colleague-a', 'FEEDFACE');
    const wrongPin = await mfpLogin(app, mfp.token, { method: 'pin', username: 'user-a', pin: '0000' });
    const answers = [
      await mfpLogin(app, mfp.token, cardLogin('0BADCAFE')),
      await mfpLogin(app, mfpC.token, cardLogin(CARD)),
    ];
    await app.inject({ method: 'POST', url: `/api/v1/users/${userId}/disable`, headers: bearer(admin) });
    answers.push(await mfpLogin(app, mfp.token, cardLogin(CARD)));
    for (let i = 0; i < 3; i++) await login(app, 'colleague-a', 'Wrong-Passw0rd!');
    answers.push(await mfpLogin(app, mfp.token, cardLogin('FEEDFACE')));
    for (const res of answers) {
      assert.equal(res.statusCode, 401);
      assert.equal(res.body, wrongPin.body);
    }
  });

  it('is throttled per MFP', async (t) => {
    const { app, mfp } = await setup(t, { mfpLoginRateLimit: { max: 3, timeWindowMs: MINUTE } });
    for (let i = 0; i < 3; i++)
      assert.equal((await mfpLogin(app, mfp.token, cardLogin(`0000000${i}`))).statusCode, 401);
    assert.equal((await mfpLogin(app, mfp.token, cardLogin('00000009'))).statusCode, 429);
  });

  it('works after a restart on the same data dir (the card key file is reused)', async (t) => {
    const clock = fakeClock();
    const first = await setup(t, { now: clock.now });
    await registerCard(first.app, first.mfp.token, 'user-a', CARD);
    await first.app.close();
    const { app } = await buildTestApp(t, { dataDir: first.dataDir, now: clock.now });
    assert.equal((await mfpLogin(app, first.mfp.token, cardLogin(CARD))).statusCode, 200);
  });
});

describe('ID cards on the web API', () => {
  it('lets the owner list and delete their cards; deleted cards no longer log in', async (t) => {
    const { app, mfp } = await setup(t);
    const card = (await registerCard(app, mfp.token, 'user-a', CARD)).json() as CardBody;
    const token = await tokenFor(app, 'user-a', PASSWORD);
    assert.deepEqual(
      (await listOwn(app, token)).map((c) => c.id),
      [card.id],
    );
    const del = await app.inject({
      method: 'DELETE',
      url: `/api/v1/me/cards/${card.id}`,
      headers: bearer(token),
    });
    assert.equal(del.statusCode, 204);
    assert.deepEqual(await listOwn(app, token), []);
    assert.equal((await mfpLogin(app, mfp.token, cardLogin(CARD))).statusCode, 401);
  });

  it("answers 404 to the owner for a colleague's card id", async (t) => {
    const { app, mfp } = await setup(t);
    const card = (await registerCard(app, mfp.token, 'colleague-a', CARD)).json() as CardBody;
    const token = await tokenFor(app, 'user-a', PASSWORD);
    const res = await app.inject({
      method: 'DELETE',
      url: `/api/v1/me/cards/${card.id}`,
      headers: bearer(token),
    });
    assert.equal(res.statusCode, 404);
    assert.equal((await mfpLogin(app, mfp.token, cardLogin(CARD))).statusCode, 200, 'the card still works');
  });

  it("lets the customer admin list and delete a user's cards", async (t) => {
    const { app, admin, mfp, userId } = await setup(t);
    const card = (await registerCard(app, mfp.token, 'user-a', CARD)).json() as CardBody;
    const list = await app.inject({ url: `/api/v1/users/${userId}/cards`, headers: bearer(admin) });
    assert.equal(list.statusCode, 200);
    assert.deepEqual(
      (list.json() as { cards: CardBody[] }).cards.map((c) => [c.id, c.hint]),
      [[card.id, 'E5F6']],
    );
    const del = await app.inject({
      method: 'DELETE',
      url: `/api/v1/users/${userId}/cards/${card.id}`,
      headers: bearer(admin),
    });
    assert.equal(del.statusCode, 204);
    assert.equal((await mfpLogin(app, mfp.token, cardLogin(CARD))).statusCode, 401);
    const again = await app.inject({
      method: 'DELETE',
      url: `/api/v1/users/${userId}/cards/${card.id}`,
      headers: bearer(admin),
    });
    assert.equal(again.statusCode, 404);
  });

  it("answers another customer's admin and a colleague 404, and a card id of another user 404", async (t) => {
    const { app, admin, tenants, mfp, userId, colleagueId } = await setup(t);
    const card = (await registerCard(app, mfp.token, 'user-a', CARD)).json() as CardBody;
    const colleague = await tokenFor(app, 'colleague-a', PASSWORD);
    for (const token of [tenants.customerC.adminToken, colleague, tenants.root.token]) {
      assert.equal(
        (await app.inject({ url: `/api/v1/users/${userId}/cards`, headers: bearer(token) })).statusCode,
        404,
      );
      const del = await app.inject({
        method: 'DELETE',
        url: `/api/v1/users/${userId}/cards/${card.id}`,
        headers: bearer(token),
      });
      assert.equal(del.statusCode, 404);
    }
    const wrongOwner = await app.inject({
      method: 'DELETE',
      url: `/api/v1/users/${colleagueId}/cards/${card.id}`,
      headers: bearer(admin),
    });
    assert.equal(wrongOwner.statusCode, 404);
    assert.equal((await mfpLogin(app, mfp.token, cardLogin(CARD))).statusCode, 200, 'the card still works');
  });
});

describe('ID card storage', () => {
  it('keeps only a keyed hash and the hint, never the card id, with the key in a 0600 file outside the database', async (t) => {
    const { app, mfp, dataDir } = await setup(t);
    const cardId = 'Q7Z3XK9W2M';
    await registerCard(app, mfp.token, 'user-a', cardId);
    const files = [DATABASE_FILE, `${DATABASE_FILE}-wal`]
      .map((f) => join(dataDir, f))
      .filter((f) => existsSync(f));
    const bytes = Buffer.concat(files.map((f) => readFileSync(f)));
    assert.ok(!bytes.includes(cardId) && !bytes.includes(cardId.toLowerCase()));
    const row = openDb(t, dataDir).prepare('SELECT card_hash, hint FROM id_cards').get() as {
      card_hash: string;
      hint: string;
    };
    assert.match(row.card_hash, /^[0-9a-f]{64}$/);
    assert.equal(row.hint, '9W2M');
    const key = join(dataDir, CARD_KEY_FILE);
    assert.equal(readFileSync(key).length, 32);
    if (process.platform !== 'win32') assert.equal(statSync(key).mode & 0o777, 0o600);
  });
});
