// Runs every cell of server-stub/access-matrix.json (whitepaper Table 2-1 as HTTP statuses) against one app
// and one organization tree (test/server-stub/access-fixture.ts), and fails for a registered route that the
// matrix does not cover: routes are listed through Fastify's onRoute hook, so none can be forgotten.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance, InjectOptions, RouteOptions } from 'fastify';
import { buildApp } from '../../server-stub/src/app.js';
import { buildAccessFixture } from './access-fixture.js';
import type {
  AccessFixture,
  Caller,
  CallerType,
  RelationName,
  Target,
  TargetKind,
} from './access-fixture.js';
import { loadMatrix, splitRoute } from './access-matrix-cells.js';
import { REQUESTS } from './access-requests.js';
import { ADMIN, fakeClock } from './helper.js';

const matrix = loadMatrix(new URL('../../server-stub/access-matrix.json', import.meta.url));

/** A cell changes state unless it only reads: such cells get their own caller and target. */
const changes = (method: string) => method !== 'GET' && method !== 'HEAD';

describe('access matrix (server-stub/access-matrix.json)', () => {
  let app: FastifyInstance;
  let fx: AccessFixture;
  let dataDir: string;
  /** `METHOD url` of every registered route, HEAD twins of GET routes left out. */
  const registered = new Set<string>();
  /** Paths of GET routes that have a HEAD twin. */
  const headTwins = new Set<string>();

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'cps-access-matrix-'));
    const seen: string[] = [];
    app = await buildApp({
      dataDir,
      admin: { ...ADMIN },
      now: fakeClock().now,
      // The fixture logs in a few hundred times: a cheap hash and no login throttle keep it fast.
      argon2: { memoryCost: 8, timeCost: 1, parallelism: 1 },
      loginRateLimit: { max: 1_000_000, timeWindowMs: 60_000 },
      mfpLoginRateLimit: { max: 1_000_000, timeWindowMs: 60_000 },
      onRoute: (route: RouteOptions) => {
        for (const method of ([] as string[]).concat(route.method)) seen.push(`${method} ${route.url}`);
      },
    });
    const gets = new Set(
      seen.filter((r) => r.startsWith('GET ')).map((r) => r.slice(4).replace(/(.)\/$/, '$1')),
    );
    for (const route of seen) {
      const { method, path } = splitRoute(route);
      // Fastify answers HEAD with the GET route's handler and hooks: its GET row covers it.
      if (method === 'HEAD' && gets.has(path.replace(/(.)\/$/, '$1'))) {
        headTwins.add(path);
        continue;
      }
      registered.add(route);
    }
    fx = await buildAccessFixture(app);
  });

  after(async () => {
    await app?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('has well-formed rows: every role, only relations the fixture has, a status for each', () => {
    assert.deepEqual(matrix.problems, []);
  });

  it('covers every registered route with rows or a public entry', () => {
    const covered = new Set([...matrix.public.keys(), ...matrix.routes.map((r) => r.route)]);
    const missing = [...registered].filter((route) => !covered.has(route));
    assert.deepEqual(missing, [], 'add rows for these routes to server-stub/access-matrix.json');
  });

  it('names only routes that are registered', () => {
    const named = [...matrix.public.keys(), ...matrix.routes.map((r) => r.route)];
    assert.deepEqual(
      named.filter((route) => !registered.has(route)),
      [],
    );
  });

  /** Builds and sends a cell's request; `auth` replaces the caller's credentials (anonymous, device). */
  async function send(
    route: string,
    caller: Caller,
    target: Target | undefined,
    id: string,
    auth?: Record<string, string>,
  ) {
    const { method, path } = splitRoute(route);
    const parts = (await REQUESTS[route]?.({ id, target, caller, fx })) ?? {};
    const headers: Record<string, string> = { ...caller.headers, ...parts.headers };
    if (auth) {
      delete headers.authorization;
      delete headers['cps-mfp-session'];
      Object.assign(headers, auth);
    }
    const options: InjectOptions = {
      method: method as InjectOptions['method'],
      url: parts.url ?? path.replace(/:[A-Za-z]+/g, encodeURIComponent(id)),
      headers,
      ...(parts.query ? { query: parts.query } : {}),
      ...(parts.payload !== undefined ? { payload: parts.payload as InjectOptions['payload'] } : {}),
    };
    return app.inject(options);
  }

  /** The caller and target of a cell: shared for reads, new ones for cells that change state. */
  async function setUp(method: string, role: CallerType, target: TargetKind, relation: RelationName) {
    const caller = await fx.caller(role, changes(method));
    const found = target === 'none' ? undefined : await fx.target(target, relation, caller, changes(method));
    return { caller, target: found, id: found?.id ?? '' };
  }

  const errorBody = (body: string) => {
    const parsed = JSON.parse(body) as Record<string, unknown>;
    assert.deepEqual(Object.keys(parsed).sort(), ['error', 'message'], body);
    assert.equal(typeof parsed.error, 'string');
    assert.equal(typeof parsed.message, 'string');
  };

  describe('public routes', () => {
    for (const [route, status] of matrix.public) {
      it(`${route} answers ${status} without credentials`, async (t) => {
        if (!registered.has(route)) return t.skip('not registered');
        const caller = await fx.caller('customer_user', false);
        const res = await send(route, caller, undefined, '', {});
        assert.equal(res.statusCode, status, res.body);
      });
    }
  });

  for (const row of matrix.routes) {
    describe(row.route, () => {
      for (const { role, relation, status } of row.cells) {
        const who = role === 'mfp-session' ? 'an MFP session' : role;
        it(`${who} on ${relation === 'none' ? 'it' : `a ${relation} ${row.target}`}: ${status}`, async (t) => {
          if (!registered.has(row.route)) return t.skip('not registered');
          const { caller, target, id } = await setUp(row.method, role, row.target, relation);
          const res = await send(row.route, caller, target, id);
          assert.equal(res.statusCode, status, res.body);
          if (status >= 400) errorBody(res.body);
          if (status === 404 && row.path.includes('/:')) {
            // No existence oracle: out of reach reads exactly like an id that does not exist.
            const unknown = await send(row.route, caller, target, randomUUID());
            assert.equal(unknown.statusCode, 404, unknown.body);
            assert.equal(res.body, unknown.body);
          }
        });
      }

      for (const who of ['anonymous', 'device'] as const) {
        const status = row[who];
        it(`${who === 'anonymous' ? 'no credentials' : 'an MFP token alone'}: ${status}`, async (t) => {
          if (!registered.has(row.route)) return t.skip('not registered');
          // Built like a customer user's cell on a real target, then sent without the session.
          const relation = row.cells.find((c) => c.role === 'customer_user')?.relation ?? 'none';
          const { caller, target, id } = await setUp(row.method, 'customer_user', row.target, relation);
          const auth: Record<string, string> =
            who === 'device' ? { authorization: `Device ${fx.deviceToken}` } : {};
          const res = await send(row.route, caller, target, id, auth);
          assert.equal(res.statusCode, status, res.body);
          if (status >= 400) errorBody(res.body);
          if (row.method === 'GET' && who === 'anonymous' && headTwins.has(row.path)) {
            const head = await app.inject({ method: 'HEAD', url: res.raw.req.url ?? '' });
            assert.equal(head.statusCode, status, 'the HEAD twin must be guarded like its GET');
          }
        });
      }
    });
  }
});
