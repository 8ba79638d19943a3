// Helpers for MFP tests: devices of a customer, users, MFP logins and the two MFP headers.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import type { Database } from 'better-sqlite3';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { DATABASE_FILE } from '../../server-stub/src/db/database.js';
import { createPasswordHasher } from '../../server-stub/src/services/password-hasher.js';
import type { PasswordHasher } from '../../server-stub/src/services/password-hasher.js';
import { bearer } from './helper.js';
import { PASSWORD } from './tenants.js';

let serial = 0;

/** Registers a device of the admin's customer organization; returns its id and token. */
export async function registerDevice(
  app: FastifyInstance,
  adminToken: string,
  kind: 'mfp' | 'desktop' = 'mfp',
): Promise<{ id: string; token: string }> {
  serial++;
  const payload =
    kind === 'mfp'
      ? {
          kind,
          serialNumber: `SN-${serial}`,
          hostName: `mfp-${serial}.example.local`,
          ipAddress: '192.0.2.10',
        }
      : { kind, hostName: `pc-${serial}` };
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/devices',
    headers: bearer(adminToken),
    payload,
  });
  assert.equal(res.statusCode, 201, res.body);
  const body = res.json() as { device: { id: string }; token: string };
  return { id: body.device.id, token: body.token };
}

/** Creates a user in the admin's organization (password PASSWORD); returns its id. */
export async function createUser(
  app: FastifyInstance,
  adminToken: string,
  username: string,
  role = 'customer_user',
): Promise<string> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/users',
    headers: bearer(adminToken),
    payload: { username, password: PASSWORD, role },
  });
  assert.equal(res.statusCode, 201, res.body);
  return (res.json() as { id: string }).id;
}

/** `Authorization: Device <token>`. */
export const deviceAuth = (deviceToken: string) => ({ authorization: `Device ${deviceToken}` });

/** The two headers of a request made at an MFP for its logged-in user. */
export const mfpHeaders = (deviceToken: string, sessionToken: string) => ({
  authorization: `Device ${deviceToken}`,
  'cps-mfp-session': sessionToken,
});

/** POST /api/v1/mfp/login with a device token. */
export function mfpLogin(
  app: FastifyInstance,
  deviceToken: string,
  payload: object,
): Promise<LightMyRequestResponse> {
  return app.inject({ method: 'POST', url: '/api/v1/mfp/login', headers: deviceAuth(deviceToken), payload });
}

/** Logs in at the MFP and returns the session token (fails the test otherwise). */
export async function mfpSession(
  app: FastifyInstance,
  deviceToken: string,
  payload: object,
): Promise<string> {
  const res = await mfpLogin(app, deviceToken, payload);
  assert.equal(res.statusCode, 200, res.body);
  return (res.json() as { token: string }).token;
}

/** PUT /api/v1/me/pin as the user of `token`; returns the status. */
export async function setOwnPin(app: FastifyInstance, token: string, pin: string): Promise<number> {
  const res = await app.inject({
    method: 'PUT',
    url: '/api/v1/me/pin',
    headers: bearer(token),
    payload: { pin },
  });
  return res.statusCode;
}

/** A read-only connection to the app's database, closed after the test. */
export function openDb(t: Pick<TestContext, 'after'>, dataDir: string): Database {
  const db = new BetterSqlite3(join(dataDir, DATABASE_FILE), { readonly: true, fileMustExist: true });
  t.after(() => db.close());
  return db;
}

/** A real hasher that counts real and dummy verifications. */
export function countingHasher(): { hasher: PasswordHasher; real: () => number; dummy: () => number } {
  const inner = createPasswordHasher();
  let real = 0;
  let dummy = 0;
  return {
    hasher: {
      hash: (pw) => inner.hash(pw),
      verify: (hash, pw) => {
        real++;
        return inner.verify(hash, pw);
      },
      verifyDummy: (pw) => {
        dummy++;
        return inner.verifyDummy(pw);
      },
    },
    real: () => real,
    dummy: () => dummy,
  };
}
