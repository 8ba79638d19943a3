// Benchmark of the MFP job server (5571, issue 5): a 10 MB PDF served to 16 concurrent clients, beside nginx
// serving the same file from the same spool folder in the same run, both over plain HTTP (our
// `--mfp-insecure-http`) and both over TLS with the same certificate, rounds alternating; then GET /v1/jobs
// with 1,000 jobs and 16 clients (p99). Our server runs in its own process (this file with `serve`): the
// spooler's wiring of createMfpServer over the real store, with a test trust for a server-stub ticket signer.
// The load comes from this process: 16 keep-alive connections that check every answer (status 200, the
// Content-Length asked for, exactly that many body bytes, the pinned certificate), so a failing server cannot
// look fast. (autocannon turns every body into a string and wrk reads 8 KB at a time: both cap below nginx.)
// Each document line also gives each server's CPU seconds per GB sent (from /proc), which the shared cores
// do not blur. BENCH_MFP_CPU_PROF=DIR runs our process under `node --cpu-prof` (profile left in DIR);
// BENCH_NGINX=PATH names the nginx binary. While tuning one part: BENCH_MFP_PARTS=document,list and
// BENCH_MFP_MODES=plain,tls choose what runs (default all).
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  accessSync,
  closeSync,
  constants,
  createReadStream,
  mkdirSync,
  openSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { connect as netConnect, createServer as createNetServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { connect as tlsConnect } from 'node:tls';
import type { TLSSocket } from 'node:tls';
import { createLogger } from '../../main/log/logger.js';
import { AUTO_HOSTS, createHostPolicy } from '../../main/mfp-server/announced-hosts.js';
import { createMfpServer } from '../../main/mfp-server/mfp-server.js';
import type { MfpServer } from '../../main/mfp-server/mfp-server.js';
import { createTicketVerifier } from '../../main/mfp-server/ticket.js';
import { loadOrCreateTlsIdentity } from '../../main/mfp-server/tls-identity.js';
import type { TlsIdentity } from '../../main/mfp-server/tls-identity.js';
import { newJobId } from '../../main/spool/job.js';
import { openJobStore } from '../../main/spool/job-store.js';
import { createTicketSigner } from '../../server-stub/src/services/ticket-signer.js';
import type { TicketSigner } from '../../server-stub/src/services/ticket-signer.js';
import { mfpRequest } from '../helpers/mfp-client.js';
import { writeBigPdf } from '../helpers/pdf.js';
import { REPO_ROOT } from '../helpers/spooler-process.js';
import { goal, percentile, procMemoryMb, report, resetPeak, since } from './measure.js';

const DOC_BYTES = 10 * 1024 * 1024;
/** Jobs in the list: the 10 MB one and 999 small ones, all the ticket user's. */
const LIST_JOBS = 1000;
const CONNECTIONS = Number(process.env.BENCH_MFP_CONNECTIONS ?? 16);
const SECONDS = Number(process.env.BENCH_MFP_SECONDS ?? 5);
const PARTS = (process.env.BENCH_MFP_PARTS ?? 'document,list').split(',');
const MODES = (['plain HTTP', 'TLS'] as const).filter((m) =>
  (process.env.BENCH_MFP_MODES ?? 'plain,tls').split(',').includes(m === 'TLS' ? 'tls' : 'plain'),
);
/** Rounds alternate the servers so that a noisy neighbour hurts both; medians are compared. */
const ROUNDS = 3;
const DESK = 'bench-desk';
const USER = 'bench-user';
const MB = 1024 * 1024;

/** CPU seconds (user + system, all threads) a process has used so far. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in USER_HZ (100 on Linux)
}

// ---------------------------------------------------------------------------------------------------------
// Our side, in its own process.

/** `mfp-bench.ts serve DATA_DIR PUBLIC_KEY`: a plain and a TLS MFP job server over one spool. */
async function serve(dataDir: string, publicKey: string): Promise<void> {
  const log = createLogger({ dir: join(dataDir, 'logs'), level: 'info', console: false });
  const { store } = await openJobStore({ dataDir, log: (m, meta) => log.warn(m, meta) });
  const trust = { keys: [publicKey], deskId: DESK, userId: USER };
  const verifier = createTicketVerifier({ getTrust: () => trust });
  // As startSpooler wires it (main/core/spooler.ts), once per scheme.
  const start = async (tls: TlsIdentity | null): Promise<MfpServer> => {
    let port = 0;
    const hosts = createHostPolicy({ entries: [AUTO_HOSTS], port: () => port });
    const server = createMfpServer({ store, log, tls, verifier, hosts });
    port = await server.listen(0, '127.0.0.1');
    return server;
  };
  const plain = await start(null);
  const secure = await start(await loadOrCreateTlsIdentity(dataDir));
  process.once('SIGTERM', () => {
    void Promise.all([plain.close(0), secure.close(0)])
      .then(() => store.close())
      .finally(() => process.exit(0)); // a normal exit, so that --cpu-prof writes its profile
  });
  console.log(`mfp-bench ready ${plain.port()} ${secure.port()}`);
}

if (process.argv[2] === 'serve' && resolve(process.argv[1] ?? '') === import.meta.filename) {
  await serve(process.argv[3] as string, process.argv[4] as string);
}

// ---------------------------------------------------------------------------------------------------------
// The load: keep-alive connections that check every answer.

/** Where to send the load. `pin` null is plain HTTP, else the certificate's SHA-256 the client accepts. */
interface Target {
  port: number;
  pin: string | null;
  path: string;
  ticket?: string;
  /** The Content-Length every answer must have. */
  bytes?: number;
}

interface LoadResult {
  /** Body bytes received during the window (a transfer cut by its end counts what arrived). */
  bodyBytes: number;
  responses: number;
  seconds: number;
  /** Per answer, ms from the request to its last byte. */
  latencies: number[];
  /** Protocol and cipher of the TLS connections. */
  tls: string | null;
}

const HEAD_END = Buffer.from('\r\n\r\n');

/**
 * `connections` keep-alive connections sending GET `target.path` one after another for `seconds`; a warm-up
 * may end before any 10 MB answer is complete, a measure may not.
 */
function drive(
  target: Target,
  seconds: number,
  warmUp = false,
  connections = CONNECTIONS,
): Promise<LoadResult> {
  const request = Buffer.from(
    `GET ${target.path} HTTP/1.1\r\nHost: 127.0.0.1:${target.port}\r\n` +
      (target.ticket ? `Authorization: Bearer ${target.ticket}\r\n` : '') +
      '\r\n',
    'latin1',
  );
  const sockets = new Set<Socket>();
  const result: LoadResult = { bodyBytes: 0, responses: 0, seconds: 0, latencies: [], tls: null };
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const started = performance.now();

  return new Promise<LoadResult>((resolvePromise, rejectPromise) => {
    const finish = (err?: Error) => {
      if (stopped) return;
      stopped = true;
      clearTimeout(timer);
      result.seconds = since(started) / 1000;
      for (const s of sockets) s.destroy();
      if (err) rejectPromise(new Error(`port ${target.port} ${target.path}: ${err.message}`));
      else if (result.responses === 0 && !warmUp)
        rejectPromise(new Error(`port ${target.port}: no complete answer`));
      else resolvePromise(result);
    };
    timer = setTimeout(() => finish(), seconds * 1000);

    const open = () => {
      let head: Buffer | null = null; // header bytes so far; null while the body is read
      let remaining = 0; // body bytes still to come
      let sentAt = 0;
      let closing = false; // the server said Connection: close after this answer
      const send = () => {
        head = Buffer.alloc(0);
        sentAt = performance.now();
        socket.write(request);
      };
      const socket: Socket =
        target.pin === null
          ? netConnect(target.port, '127.0.0.1', send)
          : tlsConnect({ port: target.port, host: '127.0.0.1', rejectUnauthorized: false }, () => {
              const tls = socket as TLSSocket;
              const cert = tls.getPeerX509Certificate();
              const sha = cert ? createHash('sha256').update(cert.raw).digest('hex') : null;
              if (sha !== target.pin) return finish(new Error(`certificate ${sha} is not the pinned one`));
              result.tls ??= `${tls.getProtocol()} ${tls.getCipher().name}`;
              send();
            });
      sockets.add(socket);
      socket.on('data', (chunk: Buffer) => {
        if (stopped) return;
        let c = chunk;
        if (head !== null) {
          head = Buffer.concat([head, c]);
          const end = head.indexOf(HEAD_END);
          if (end < 0) {
            if (head.length > 16 * 1024) finish(new Error('a header block over 16 KB'));
            return;
          }
          const text = head.subarray(0, end).toString('latin1');
          c = head.subarray(end + 4);
          head = null;
          const status = /^HTTP\/1\.1 (\d{3}) /.exec(text)?.[1];
          const length = /\r\ncontent-length: *(\d+)\r?$/im.exec(text)?.[1];
          if (status !== '200') return finish(new Error(`an answer ${status ?? text.slice(0, 40)}`));
          if (length === undefined || /\r\ntransfer-encoding:/i.test(text))
            return finish(new Error('an answer without Content-Length'));
          if (target.bytes !== undefined && Number(length) !== target.bytes)
            return finish(new Error(`an answer of ${length} bytes, not ${target.bytes}`));
          remaining = Number(length);
          closing = /\r\nconnection: *close/i.test(text);
        }
        const body = Math.min(remaining, c.length);
        result.bodyBytes += body;
        remaining -= body;
        if (c.length > body) return finish(new Error('more bytes than the Content-Length'));
        if (remaining > 0) return;
        result.responses++;
        result.latencies.push(since(sentAt));
        if (closing) {
          sockets.delete(socket);
          socket.destroy();
          open();
        } else send();
      });
      socket.on('error', (err) => finish(err));
      socket.on('close', () => {
        if (!stopped && sockets.has(socket)) finish(new Error('the server closed a connection mid-answer'));
      });
    };
    for (let i = 0; i < connections; i++) open();
  });
}

// ---------------------------------------------------------------------------------------------------------
// Set-up: the spool, our process, nginx.

/** Writes the small jobs straight into the spool in the store's own format (set-up only: no fsync). */
function seedSmallJobs(dataDir: string, count: number): void {
  const spool = join(dataDir, 'spool');
  mkdirSync(spool, { recursive: true });
  const doc = Buffer.from('%PDF-1.4\n% seeded\n');
  const sha = createHash('sha256').update(doc).digest('hex');
  const t0 = Date.now() - (count + 10) * 1000;
  for (let i = 0; i < count; i++) {
    const id = newJobId(t0 + i * 1000);
    const at = new Date(t0 + i * 1000).toISOString();
    writeFileSync(join(spool, `${id}.pdf`), doc);
    const record = {
      v: 1,
      id,
      name: `Document ${i}.pdf`,
      owner: 'bench',
      ownerId: USER,
      pages: 1 + (i % 20),
      size: doc.length,
      sha256: sha,
      format: 'application/pdf',
      state: i % 2 ? 'held' : 'ready',
      spool: 'local',
      createdAt: at,
      updatedAt: at,
      options: { copies: 1, sides: 'one-sided', colorMode: 'auto', media: 'iso_a4_210x297mm' },
      document: `${id}.pdf`,
    };
    writeFileSync(join(spool, `${id}.json`), JSON.stringify(record));
  }
}

/** The 10 MB job, committed through the store as a capture would. */
async function addBigJob(dir: string, dataDir: string) {
  const file = join(dir, 'big.pdf');
  await writeBigPdf(file, DOC_BYTES);
  const { store } = await openJobStore({ dataDir });
  try {
    const draft = await store.createDraft(Number.MAX_SAFE_INTEGER);
    await pipeline(createReadStream(file), draft.stream);
    const job = await store.commit(draft, {
      name: 'big.pdf',
      owner: 'bench',
      pages: 1,
      state: 'held',
      ownerId: USER,
    });
    const record = store.getRecord(job.id);
    if (!record || store.size !== LIST_JOBS) throw new Error(`spool holds ${store.size} jobs`);
    return { id: job.id, size: record.size, sha256: record.sha256, file: record.document };
  } finally {
    await store.close();
  }
}

/** Spawns our process (output to a file) and waits for its ports. */
async function startOurs(dir: string, dataDir: string, signer: TicketSigner) {
  const logFile = join(dir, 'ours.log');
  const fd = openSync(logFile, 'w');
  const prof = process.env.BENCH_MFP_CPU_PROF;
  const child = spawn(
    process.execPath,
    [
      ...(prof ? ['--cpu-prof', `--cpu-prof-dir=${resolve(prof)}`] : []),
      ...['--import', 'tsx', import.meta.filename, 'serve', dataDir, signer.publicKey().publicKey],
    ],
    { cwd: REPO_ROOT, stdio: ['ignore', fd, fd] },
  );
  closeSync(fd);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const started = performance.now();
  for (;;) {
    const m = /mfp-bench ready (\d+) (\d+)/.exec(readFileSync(logFile, 'utf8'));
    if (m) {
      return {
        child,
        plainPort: Number(m[1]),
        tlsPort: Number(m[2]),
        stop: async () => {
          child.kill('SIGTERM');
          await exited;
        },
      };
    }
    if (child.exitCode !== null || since(started) > 30_000) {
      child.kill('SIGKILL');
      throw new Error(`our MFP server did not start: ${readFileSync(logFile, 'utf8')}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A free TCP port on 127.0.0.1. */
async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

/** The path of an executable: `name` itself when it has a slash, else looked up in PATH and the sbin folders. */
function findCommand(name: string): string | null {
  const dirs = ['/usr/sbin', '/usr/local/sbin', ...(process.env.PATH ?? '').split(':')];
  for (const path of name.includes('/') ? [name] : dirs.map((d) => join(d, name))) {
    try {
      accessSync(path, constants.X_OK);
      if (statSync(path).isFile()) return path;
    } catch {
      // not here
    }
  }
  return null;
}

/**
 * nginx (one worker, as our server is one event loop) with a private config in `dir`: no root paths,
 * `daemon off`, pid and error log in `dir`, access log off, sendfile on, serving `root` over plain HTTP and
 * over TLS with our certificate; /v1/jobs is `dir`/jobs.json (our list's bytes, written later).
 */
async function startNginx(binary: string, dir: string, root: string, tls: TlsIdentity) {
  mkdirSync(join(dir, 'tmp'), { recursive: true });
  writeFileSync(join(dir, 'key.pem'), tls.key, { mode: 0o600 });
  writeFileSync(join(dir, 'cert.pem'), tls.cert);
  const plainPort = await freePort();
  const tlsPort = await freePort();
  const tmp = join(dir, 'tmp');
  const conf = `
daemon off;
worker_processes 1;
${process.getuid?.() === 0 ? 'user root;' : ''}
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 256; }
http {
  access_log off;
  sendfile on;
  types { application/pdf pdf; }
  client_body_temp_path ${tmp}/body;
  proxy_temp_path ${tmp}/proxy;
  fastcgi_temp_path ${tmp}/fastcgi;
  uwsgi_temp_path ${tmp}/uwsgi;
  scgi_temp_path ${tmp}/scgi;
  server {
    listen 127.0.0.1:${plainPort};
    listen 127.0.0.1:${tlsPort} ssl;
    ssl_certificate ${dir}/cert.pem;
    ssl_certificate_key ${dir}/key.pem;
    ssl_protocols TLSv1.2 TLSv1.3;
    root ${root};
    location / { }
    location = /v1/jobs { alias ${dir}/jobs.json; default_type application/json; }
  }
}
`;
  writeFileSync(join(dir, 'nginx.conf'), conf);
  const child: ChildProcess = spawn(
    binary,
    ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log')],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += String(d)));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const started = performance.now();
  for (;;) {
    const up = await new Promise<boolean>((r) => {
      const s = netConnect(tlsPort, '127.0.0.1', () => r(true)).on('error', () => r(false));
      s.on('connect', () => s.destroy());
    });
    if (up) break;
    if (child.exitCode !== null || since(started) > 10_000) {
      child.kill('SIGKILL');
      throw new Error(`nginx did not start: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const master = child.pid as number;
  return {
    plainPort,
    tlsPort,
    /** The one worker, which does all the serving. */
    workerPid: () =>
      Number(readFileSync(`/proc/${master}/task/${master}/children`, 'utf8').trim().split(' ')[0]),
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

// ---------------------------------------------------------------------------------------------------------

const median = (values: number[]) => percentile(values, 50);
const mbps = (r: LoadResult) => r.bodyBytes / MB / r.seconds;

/** Runs the MFP benchmark and prints its lines. */
export async function runMfpBench(workDir: string): Promise<void> {
  const dir = join(workDir, 'mfp');
  const dataDir = join(dir, 'data');
  mkdirSync(dataDir, { recursive: true });
  mkdirSync(join(dir, 'signer'));
  const signer = createTicketSigner({ dataDir: join(dir, 'signer') });
  const ticket = () => signer.sign({ desk: DESK, mfp: 'bench-mfp', sub: USER, ttlSeconds: 300 }).ticket;
  seedSmallJobs(dataDir, LIST_JOBS - 1);
  const doc = await addBigJob(dir, dataDir);
  const identity = await loadOrCreateTlsIdentity(dataDir);
  const docPath = `/v1/jobs/${doc.id}/document`;
  // BENCH_NGINX names another nginx binary (or a missing one, to see the run without the peer).
  const nginxBinary = findCommand(process.env.BENCH_NGINX ?? 'nginx');

  const ours = await startOurs(dir, dataDir, signer);
  const nginx = nginxBinary
    ? await startNginx(nginxBinary, join(dir, 'nginx'), join(dataDir, 'spool'), identity)
    : null;
  try {
    // Once per server, the whole document by hash: the load below then checks status and byte counts.
    const servers = [
      { name: 'ours', port: ours.plainPort, pin: null, path: docPath },
      { name: 'ours', port: ours.tlsPort, pin: identity.sha256, path: docPath },
      ...(nginx
        ? [
            { name: 'nginx', port: nginx.plainPort, pin: null, path: `/${doc.file}` },
            { name: 'nginx', port: nginx.tlsPort, pin: identity.sha256, path: `/${doc.file}` },
          ]
        : []),
    ];
    for (const s of servers) {
      const res = await mfpRequest({ ...s, ticket: ticket(), discardBody: true });
      if (res.status !== 200 || res.bytes !== doc.size || res.sha256 !== doc.sha256)
        throw new Error(`${s.name} on ${s.port} answered ${res.status} with ${res.bytes} other bytes`);
    }
    const atRest = procMemoryMb(ours.child.pid as number, 'VmRSS');
    if (!nginx)
      report('peer of the 10 MB PDF: nginx', 'skipped', 'nginx not installed', 'apt-get install -y nginx');

    for (const mode of PARTS.includes('document') ? MODES : []) {
      const tls = mode === 'TLS';
      const pin = tls ? identity.sha256 : null;
      const targets = [
        {
          name: 'ours',
          port: tls ? ours.tlsPort : ours.plainPort,
          path: docPath,
          pid: ours.child.pid as number,
        },
        ...(nginx
          ? [
              {
                name: 'nginx',
                port: tls ? nginx.tlsPort : nginx.plainPort,
                path: `/${doc.file}`,
                pid: nginx.workerPid(),
              },
            ]
          : []),
      ];
      // Each measure also takes the server's CPU time: CPU seconds per GB sent is its cost whatever the
      // load generator (which shares this machine's cores) lets through.
      const load = async (t: (typeof targets)[number], seconds: number, warmUp = false) => {
        const cpu = cpuSeconds(t.pid);
        const r = await drive(
          { port: t.port, pin, path: t.path, ticket: ticket(), bytes: doc.size },
          seconds,
          warmUp,
        );
        return { ...r, cpu: cpuSeconds(t.pid) - cpu };
      };
      for (const t of targets) await load(t, 2, true); // warm up the JIT and the page cache
      resetPeak(ours.child.pid as number);
      const results = new Map<string, Array<LoadResult & { cpu: number }>>(targets.map((t) => [t.name, []]));
      for (let round = 0; round < ROUNDS; round++) {
        for (const t of targets) results.get(t.name)?.push(await load(t, SECONDS));
      }
      const peak = procMemoryMb(ours.child.pid as number, 'VmHWM');
      const rate = (name: string) => median((results.get(name) ?? []).map(mbps));
      const cpuPerGb = (name: string) =>
        median((results.get(name) ?? []).map((r) => r.cpu / (r.bodyBytes / (1024 * MB)))).toFixed(2);
      const ratio = rate('ours') / rate('nginx');
      // Like with like: both sides must have negotiated the same protocol and cipher.
      const ourTls = results.get('ours')?.[0]?.tls ?? null;
      const peerTls = results.get('nginx')?.[0]?.tls ?? null;
      const ciphers = !tls
        ? ''
        : ourTls === peerTls || !nginx
          ? `; ${ourTls}`
          : `; ours ${ourTls}, nginx ${peerTls}`;
      report(
        `10 MB PDF, ${CONNECTIONS} clients, ${mode}`,
        `${rate('ours').toFixed(0)} MB/s (${cpuPerGb('ours')} CPU s/GB), ` +
          `peak RSS ${peak.toFixed(0)} MB (${atRest.toFixed(0)} at rest)`,
        nginx
          ? `nginx ${rate('nginx').toFixed(0)} MB/s (${cpuPerGb('nginx')} CPU s/GB)`
          : 'nginx not installed',
        (nginx ? goal(ratio >= 0.6, `>= 0.6; ratio ${ratio.toFixed(2)}`) : 'no peer') + ciphers,
      );
    }

    for (const mode of PARTS.includes('list') ? MODES : []) {
      const tls = mode === 'TLS';
      const target = {
        port: tls ? ours.tlsPort : ours.plainPort,
        pin: tls ? identity.sha256 : null,
        path: '/v1/jobs',
      };
      const listed = await mfpRequest({ ...target, ticket: ticket() });
      const count = listed.status === 200 ? listed.json<{ jobs: unknown[] }>().jobs.length : -1;
      if (count !== LIST_JOBS) throw new Error(`GET /v1/jobs answered ${listed.status}, ${count} jobs`);
      const bytes = listed.bytes;
      await drive({ ...target, ticket: ticket(), bytes }, 1, true);
      const r = await drive({ ...target, ticket: ticket(), bytes }, SECONDS);
      const p99 = percentile(r.latencies, 99);
      // One client alone: what one list costs our server, without queueing behind the others.
      const alone = await drive({ ...target, ticket: ticket(), bytes }, 2, false, 1);
      // The peer (context, not the goal): nginx sending the same bytes from a file, i.e. the transport alone.
      let peer = 'nginx not installed';
      if (nginx) {
        writeFileSync(join(dir, 'nginx', 'jobs.json'), listed.body);
        const port = tls ? nginx.tlsPort : nginx.plainPort;
        await drive({ ...target, port, bytes }, 1, true);
        const n = await drive({ ...target, port, bytes }, SECONDS);
        peer = `nginx, same bytes: p99 ${percentile(n.latencies, 99).toFixed(1)} ms`;
      }
      report(
        `GET /v1/jobs, ${LIST_JOBS.toLocaleString('en-US')} jobs, ${CONNECTIONS} clients, ${mode}`,
        `p50 ${median(r.latencies).toFixed(1)} ms, p99 ${p99.toFixed(1)} ms ` +
          `(${Math.round(r.responses / r.seconds)}/s of ${(bytes / 1024).toFixed(0)} KB; ` +
          `1 client: ${median(alone.latencies).toFixed(1)} ms)`,
        peer,
        goal(p99 < 20, '< 20 ms'),
      );
    }
  } finally {
    await ours.stop();
    await nginx?.stop();
  }
}
