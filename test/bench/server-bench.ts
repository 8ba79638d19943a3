// Benchmark of the cloud server: an authenticated GET /api/v1/me on `npm run server` (production settings,
// its own process) against a bare Fastify route answering the same JSON (test/bench/bare-fastify.ts), both
// driven by autocannon from this process in the same run, rounds alternating; and the latency of a login with
// the production argon2id cost beside argon2 verify alone (the hash cost: reported, not a goal).
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { buildApp } from '../../server-stub/src/app.js';
import {
  createPasswordHasher,
  DEFAULT_ARGON2_PARAMS,
} from '../../server-stub/src/services/password-hasher.js';
import { REPO_ROOT } from '../helpers/spooler-process.js';
import { goal, percentile, report, since } from './measure.js';

/** Concurrent keep-alive connections and seconds per measurement. */
const CONNECTIONS = Number(process.env.BENCH_SERVER_CONNECTIONS ?? 32);
const SECONDS = Number(process.env.BENCH_SERVER_SECONDS ?? 5);
/** Rounds alternate the servers so that a noisy neighbour hurts all of them; medians are compared. */
const ROUNDS = 3;
const LOGINS = 40;
const ADMIN = { username: 'bench-admin', password: 'Bench-Passw0rd!' };

/** A server in a child process. */
export interface Served {
  url: string;
  pid: number;
  stop(): void;
}

/** Spawns a TypeScript entry under node+tsx, output to a log file, and waits for the port it prints. */
export async function spawnServer(
  workDir: string,
  name: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  ready: RegExp,
): Promise<Served> {
  const logFile = join(workDir, `${name}.log`);
  // A file, not a pipe: reading request logs here would take CPU from the load generator.
  const fd = openSync(logFile, 'w');
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  const started = performance.now();
  for (;;) {
    const port = ready.exec(readFileSync(logFile, 'utf8'))?.[1];
    if (port)
      return { url: `http://127.0.0.1:${port}`, pid: child.pid ?? 0, stop: () => child.kill('SIGTERM') };
    if (child.exitCode !== null || since(started) > 30_000) {
      child.kill('SIGKILL');
      throw new Error(`${name} did not start: ${readFileSync(logFile, 'utf8')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** `npm run server` on a fresh data dir, and a session token of its first admin. */
async function startOurs(workDir: string, name: string, logLevel: string) {
  const dataDir = mkdtempSync(join(workDir, `${name}-`));
  const served = await spawnServer(
    workDir,
    name,
    ['server-stub/src/server.ts', '--data-dir', dataDir, '--port', '0'],
    { CPS_ADMIN_USERNAME: ADMIN.username, CPS_ADMIN_PASSWORD: ADMIN.password, CPS_LOG_LEVEL: logLevel },
    /cps-server listening on http:\/\/127\.0\.0\.1:(\d+)/,
  );
  const res = await fetch(`${served.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ADMIN),
  });
  if (res.status !== 200) throw new Error(`login on ${name} answered ${res.status}`);
  const { token } = (await res.json()) as { token: string };
  return { ...served, headers: { authorization: `Bearer ${token}` } };
}

/** Requests per second and p99 latency (ms) of GET /api/v1/me; fails if any answer is not a 2xx. */
async function load(url: string, headers: Record<string, string>, seconds = SECONDS) {
  const result = await autocannon({
    url: `${url}/api/v1/me`,
    connections: CONNECTIONS,
    duration: seconds,
    headers,
  });
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`${url}: ${result.non2xx} answers were not 2xx, ${result.errors} connection errors`);
  }
  return { rps: result.requests.total / result.duration, p99: result.latency.p99 };
}

const median = (values: number[]) => percentile(values, 50);
const fmt = (rps: number) => `${Math.round(rps).toLocaleString('en-US')} req/s`;

/** Median and p99 (ms) of `n` sequential runs of `fn`. */
async function latencies(n: number, fn: () => Promise<void>) {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const start = performance.now();
    await fn();
    times.push(since(start));
  }
  return { median: median(times), p99: percentile(times, 99) };
}

/** Login with the production hash cost, through the app (buildApp + inject), beside argon2 verify alone. */
async function benchLogin(workDir: string): Promise<void> {
  const app = await buildApp({
    dataDir: mkdtempSync(join(workDir, 'login-')),
    admin: ADMIN,
    loginRateLimit: { max: LOGINS * 10, timeWindowMs: 60_000 },
  });
  try {
    const ours = await latencies(LOGINS, async () => {
      const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: ADMIN });
      if (res.statusCode !== 200) throw new Error(`login answered ${res.statusCode}`);
    });
    const hasher = createPasswordHasher();
    const hash = await hasher.hash(ADMIN.password);
    const verifyAlone = await latencies(LOGINS, async () => {
      if (!(await hasher.verify(hash, ADMIN.password))) throw new Error('verify failed');
    });
    const { memoryCost, timeCost, parallelism } = DEFAULT_ARGON2_PARAMS;
    report(
      `login, ${LOGINS} sequential (argon2id m=${memoryCost},t=${timeCost},p=${parallelism})`,
      `${ours.median.toFixed(1)} ms, p99 ${ours.p99.toFixed(1)}`,
      `verify alone ${verifyAlone.median.toFixed(1)} ms, p99 ${verifyAlone.p99.toFixed(1)}`,
      'reported (the hash cost, not a goal)',
    );
  } finally {
    await app.close();
  }
}

/** Runs the server benchmark and prints its lines. */
export async function runServerBench(workDir: string): Promise<void> {
  const ours = await startOurs(workDir, 'ours', 'info');
  const quiet = await startOurs(workDir, 'ours-quiet', 'warn');
  let bare: Served | undefined;
  try {
    // The peer answers exactly the bytes our route answered.
    const me = await fetch(`${ours.url}/api/v1/me`, { headers: ours.headers });
    const bodyFile = join(workDir, 'me.json');
    writeFileSync(bodyFile, await me.text());
    bare = await spawnServer(
      workDir,
      'bare',
      ['test/bench/bare-fastify.ts', bodyFile],
      {},
      /listening on (\d+)/,
    );
    const servers = [
      { name: 'bare', url: bare.url, headers: {} },
      { name: 'ours', url: ours.url, headers: ours.headers },
      { name: 'quiet', url: quiet.url, headers: quiet.headers },
    ];
    for (const s of servers) await load(s.url, s.headers, 1); // warm up the JIT and the connections
    const results = new Map<string, { rps: number; p99: number }[]>(servers.map((s) => [s.name, []]));
    for (let round = 0; round < ROUNDS; round++) {
      for (const s of servers) results.get(s.name)?.push(await load(s.url, s.headers));
    }
    const rps = (name: string) => median((results.get(name) ?? []).map((r) => r.rps));
    const p99 = (name: string) => median((results.get(name) ?? []).map((r) => r.p99));
    const title = `GET /api/v1/me, ${CONNECTIONS} connections`;
    for (const [name, label] of [
      ['ours', `${title}`],
      ['quiet', '  same, request log off (CPS_LOG_LEVEL=warn)'],
    ] as const) {
      const ratio = rps(name) / rps('bare');
      report(
        label,
        `${fmt(rps(name))}, p99 ${p99(name)} ms`,
        `bare Fastify ${fmt(rps('bare'))}, p99 ${p99('bare')} ms`,
        goal(ratio >= 0.5, `>= 0.5; ratio ${ratio.toFixed(2)}`),
      );
    }
  } finally {
    ours.stop();
    quiet.stop();
    bare?.stop();
  }
  await benchLogin(workDir);
}
