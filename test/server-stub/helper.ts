// Builds the server app for a test: a temp data dir, a known first admin, a clock the test moves.
import type { TestContext } from 'node:test';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../server-stub/src/app.js';
import type { AppOptions } from '../../server-stub/src/app.js';
import { tempDir } from '../helpers/temp-dir.js';

/** The first admin every test app starts with. */
export const ADMIN = { username: 'root-admin', password: 'Root-Passw0rd!' } as const;

/** A clock the test sets and advances. */
export interface FakeClock {
  now: () => number;
  advance(ms: number): void;
}

/** A clock starting at a fixed instant. */
export function fakeClock(start = Date.UTC(2026, 0, 1)): FakeClock {
  let t = start;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

/** An app over a fresh data dir (or the given one), closed when the test ends. */
export async function buildTestApp(
  t: Pick<TestContext, 'after'>,
  options: Partial<AppOptions> = {},
): Promise<{ app: FastifyInstance; clock: FakeClock; dataDir: string }> {
  const clock = fakeClock();
  const dataDir = options.dataDir ?? tempDir(t, 'cps-server-test-');
  const app = await buildApp({ admin: { ...ADMIN }, now: clock.now, ...options, dataDir });
  t.after(() => app.close());
  return { app, clock, dataDir };
}

/** POST /api/v1/auth/login. */
export function login(
  app: FastifyInstance,
  username: string,
  password: string,
): Promise<LightMyRequestResponse> {
  return app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password } });
}

/** Logs in and returns the bearer token (fails the test if login fails). */
export async function tokenFor(app: FastifyInstance, username: string, password: string): Promise<string> {
  const res = await login(app, username, password);
  if (res.statusCode !== 200) throw new Error(`login of ${username} failed: ${res.statusCode} ${res.body}`);
  return (res.json() as { token: string }).token;
}

/** Headers carrying a bearer token. */
export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
