// The real cloud server (server-stub's buildApp) on 127.0.0.1:0 with one customer and two users, a fake clock
// with timers it drives, and a desktop session over them.
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import type { TestContext } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../../server-stub/src/app.js';
import { createCloudHttpClient } from '../../../main/cloud/http-client.js';
import { ingestPdf } from '../../../main/capture/ingest-pdf.js';
import { createDesktopSession } from '../../../main/session/desktop-session.js';
import type { DesktopSession, SessionTimers } from '../../../main/session/desktop-session.js';
import { createMemorySecretStore } from '../../../main/session/secret-store.js';
import type { SecretStore } from '../../../main/session/secret-store.js';
import { openJobStore } from '../../../main/spool/job-store.js';
import type { JobStore } from '../../../main/spool/job-store.js';
import type { Job } from '../../../main/spool/job.js';
import { makePdf } from '../../helpers/pdf.js';
import { tempDir } from '../../helpers/temp-dir.js';

export const ROOT = { username: 'root-admin', password: 'Root-Passw0rd!' } as const;
export const PASSWORD = 'Desk-Passw0rd!';

/** A running cloud server with customer "A" (admin-a, user-a, user-b). */
export interface Cloud {
  app: FastifyInstance;
  url: string;
  /** The server's data dir (a server started again on it keeps every account, session and job). */
  dataDir: string;
  orgId: string;
  adminToken: string;
  /** Server ids of the users. */
  ids: Record<'user-a' | 'user-b', string>;
  /** Sets the idle logout (a tree-wide setting: the root admin sets it on the root). */
  setIdleMinutes(minutes: number): Promise<void>;
  revokeDevice(id: string): Promise<void>;
  /** The live desktop devices of customer A. */
  devices(): Promise<Array<{ id: string; revokedAt: string | null; kind: string }>>;
  close(): Promise<void>;
}

async function call(
  app: FastifyInstance,
  method: 'GET' | 'POST' | 'PATCH',
  url: string,
  token: string | null,
  payload?: object,
): Promise<Record<string, unknown>> {
  const res = await app.inject({
    method,
    url,
    ...(token ? { headers: { authorization: `Bearer ${token}` } } : {}),
    ...(payload ? { payload } : {}),
  });
  if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
  return res.json() as Record<string, unknown>;
}

async function tokenOf(app: FastifyInstance, username: string, password: string): Promise<string> {
  return (await call(app, 'POST', '/api/v1/auth/login', null, { username, password })).token as string;
}

/** Starts the server (cheap argon2, no login throttle to speak of) in a temp data dir. */
export async function startCloud(t: Pick<TestContext, 'after'>): Promise<Cloud> {
  const dataDir = tempDir(t, 'cps-cloud-');
  const app = await buildApp({
    dataDir,
    admin: { ...ROOT },
    argon2: { memoryCost: 8, timeCost: 1, parallelism: 1 },
    loginRateLimit: { max: 10_000, timeWindowMs: 60_000 },
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const root = await tokenOf(app, ROOT.username, ROOT.password);
  const rootOrgId = ((await call(app, 'GET', '/api/v1/me', root)).organization as { id: string }).id;
  const org = await call(app, 'POST', '/api/v1/organizations', root, {
    kind: 'customer',
    name: 'Customer A',
    maxDevices: 1000,
  });
  const orgId = org.id as string;
  await call(app, 'POST', `/api/v1/organizations/${orgId}/admins`, root, {
    username: 'admin-a',
    password: PASSWORD,
  });
  const adminToken = await tokenOf(app, 'admin-a', PASSWORD);
  const ids = {} as Cloud['ids'];
  for (const username of ['user-a', 'user-b'] as const) {
    const user = await call(app, 'POST', '/api/v1/users', adminToken, {
      username,
      password: PASSWORD,
      role: 'customer_user',
    });
    ids[username] = user.id as string;
  }
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await app.close();
  };
  t.after(close);
  return {
    app,
    url,
    dataDir,
    orgId,
    adminToken,
    ids,
    async setIdleMinutes(minutes) {
      await call(app, 'PATCH', `/api/v1/organizations/${rootOrgId}/policy`, root, {
        idleLogoutMinutes: minutes,
      });
    },
    async revokeDevice(id) {
      await call(app, 'POST', `/api/v1/devices/${id}/revoke`, adminToken, {});
    },
    async devices() {
      const list = (await call(app, 'GET', '/api/v1/devices', adminToken)).devices as Array<{
        id: string;
        revokedAt: string | null;
        kind: string;
      }>;
      return list.filter((d) => d.kind === 'desktop');
    },
    close,
  };
}

/** A clock and timers that only move when the test says so. */
export interface FakeTime {
  now: () => number;
  timers: SessionTimers;
  /** Moves the clock and runs every timer that falls due. */
  advance(ms: number): void;
  pending(): number;
}

export function fakeTime(start = Date.UTC(2026, 0, 1, 8)): FakeTime {
  let t = start;
  let next = 1;
  const due = new Map<number, { at: number; fn: () => void }>();
  return {
    now: () => t,
    timers: {
      set(fn, ms) {
        const id = next++;
        due.set(id, { at: t + ms, fn });
        return id;
      },
      clear(handle) {
        due.delete(handle as number);
      },
    },
    advance(ms) {
      const end = t + ms;
      for (;;) {
        const first = [...due.entries()].sort((a, b) => a[1].at - b[1].at)[0];
        if (!first || first[1].at > end) break;
        due.delete(first[0]);
        t = Math.max(t, first[1].at);
        first[1].fn();
      }
      t = end;
    },
    pending: () => due.size,
  };
}

/** Lets queued promise work run (the clean-up after an idle logout). */
export async function settle(check: () => boolean | Promise<boolean>, what = 'condition'): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** A desktop: its job store, secrets, session, and the log lines it wrote. */
export interface Desktop {
  dataDir: string;
  store: JobStore;
  secrets: SecretStore;
  session: DesktopSession;
  time: FakeTime;
  lines: string[];
  /** Captures a one-page PDF as the capture paths do: owned by whoever is logged in now. */
  capture(name?: string): Promise<Job>;
}

/** Opens a desktop over `cloud` (a new data dir unless given; a memory SecretStore unless given). */
export async function openDesktop(
  t: Pick<TestContext, 'after'>,
  cloud: Pick<Cloud, 'url'>,
  options: { dataDir?: string; secrets?: SecretStore; time?: FakeTime } = {},
): Promise<Desktop> {
  const dataDir = options.dataDir ?? tempDir(t, 'cps-desk-');
  const time = options.time ?? fakeTime();
  const { store } = await openJobStore({ dataDir });
  const secrets = options.secrets ?? createMemorySecretStore();
  const http = createCloudHttpClient({ baseUrl: cloud.url, proxy: async () => ({ mode: 'none' }) });
  const lines: string[] = [];
  const record =
    (level: string) =>
    (message: string, meta?: Record<string, unknown>): void =>
      void lines.push(`${level} ${message} ${JSON.stringify(meta ?? {})}`);
  const session = createDesktopSession({
    http,
    serverUrl: cloud.url,
    secrets,
    store,
    hostName: 'desk-test',
    log: { info: record('info'), warn: record('warn'), addSecret: () => undefined },
    now: time.now,
    timers: time.timers,
  });
  t.after(async () => {
    session.close();
    await http.close();
    await store.close();
  });
  return {
    dataDir,
    store,
    secrets,
    session,
    time,
    lines,
    async capture(name = 'doc.pdf') {
      const ownerId = session.currentUserId();
      return ingestPdf(
        store,
        Readable.from([await makePdf(1)]),
        { name, owner: 'os-user', ...(ownerId === null ? {} : { ownerId }) },
        1 << 20,
      );
    },
  };
}

/** An `after` for things a suite's before() starts: run() (in the suite's after()) undoes them, last first. */
export function suiteScope(): { scope: Pick<TestContext, 'after'>; run(): Promise<void> } {
  const hooks: Array<() => unknown> = [];
  const scope = {
    after: ((fn: () => unknown) => void hooks.push(fn)) as unknown as TestContext['after'],
  };
  return {
    scope,
    async run() {
      for (const fn of hooks.reverse()) await fn();
    },
  };
}
