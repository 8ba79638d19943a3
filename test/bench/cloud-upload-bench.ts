// Benchmark of the cloud upload: a 200 MB PDF registered and sent by the desktop's own client (createJobsApi
// over createCloudHttpClient, undici) to `npm run server` in its own process (PUT /api/v1/jobs/:id/document
// into the blob store: SHA-256, size check, temp file, fsync, rename, folder fsync), against a plain streamed
// copy: `curl -T` of the same file into a bare node:http sink in its own process that pipes the body to a file
// on the same disk and fsyncs it before it answers. Both cross loopback TCP, both receivers are one Node
// process writing the same bytes to the same disk and answering after fsync: the difference is what the
// product adds (the client's and the server's code, authentication, hash, checks, atomic commit).
// Our client gets the document as JobStore.openDocument returns it ({ handle, size }), and, on a second line,
// as the 64 KiB-read stream main/cloud/job-outbox.ts makes of it today. BENCH_CLOUD_MB changes the size.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createCloudHttpClient } from '../../main/cloud/http-client.js';
import { createJobsApi } from '../../main/cloud/jobs-api.js';
import type { JobsApi, JobsApiAuth } from '../../main/cloud/jobs-api.js';
import { createSessionApi } from '../../main/session/session-api.js';
import { writeBigPdf } from '../helpers/pdf.js';
import {
  goal,
  percentile,
  procCpuSeconds,
  procMemoryMb,
  report,
  resetPeak,
  since,
  timeCommand,
} from './measure.js';
import { spawnServer } from './server-bench.js';

const MB = 1024 * 1024;
const SIZE_MB = Number(process.env.BENCH_CLOUD_MB ?? 200);
/** Rounds (medians compared). */
const ROUNDS = 3;
const ADMIN = { username: 'bench-admin', password: 'Bench-Passw0rd!' };
const PASSWORD = 'Bench-Passw0rd!';
const OPTIONS = { copies: 1, sides: 'one-sided', colorMode: 'auto', media: 'iso_a4_210x297mm' };

// The peer's receiver, run as `node --import tsx cloud-upload-bench.ts sink <file>`: every request body is
// piped into <file> (fs.WriteStream batches what arrives while a write is under way), fsynced before the
// file is closed (`flush`), and answered 201 after that.
if (process.argv[2] === 'sink' && resolve(process.argv[1] ?? '') === import.meta.filename) {
  const file = process.argv[3] as string;
  const sink = createServer((req, res) => {
    pipeline(req, createWriteStream(file, { flush: true })).then(
      () => res.writeHead(201).end(),
      () => res.writeHead(500).end(),
    );
  });
  sink.listen(0, '127.0.0.1', () => console.log(`listening on ${(sink.address() as AddressInfo).port}`));
}

/** JSON request to the server with an optional session token (set-up only, not measured). */
async function call(url: string, path: string, token: string | null, body: object): Promise<unknown> {
  const res = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  if (res.status !== 200 && res.status !== 201) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

/** A customer organization with a user, the user logged in on this desktop and the desktop registered. */
async function desktopOfNewCustomer(url: string, session: ReturnType<typeof createSessionApi>) {
  const { token: root } = (await call(url, '/api/v1/auth/login', null, ADMIN)) as { token: string };
  const org = (await call(url, '/api/v1/organizations', root, { kind: 'customer', name: 'Bench' })) as {
    id: string;
  };
  await call(url, `/api/v1/organizations/${org.id}/admins`, root, {
    username: 'bench-customer-admin',
    password: PASSWORD,
  });
  const { token: admin } = (await call(url, '/api/v1/auth/login', null, {
    username: 'bench-customer-admin',
    password: PASSWORD,
  })) as { token: string };
  await call(url, '/api/v1/users', admin, {
    username: 'bench-user',
    password: PASSWORD,
    role: 'customer_user',
  });
  // From here on as the desktop does it (main/session/desktop-session.ts): login, then self-registration.
  const login = await session.login('bench-user', PASSWORD);
  const device = await session.registerDesktop(login.token, hostname());
  return { token: login.token, deviceToken: device.token };
}

/** How our client gets the document: the spool file's handle and size, or a stream of it (64 KiB reads). */
type BodyKind = 'file' | 'stream';

/** One cloud upload as the job outbox does it: register, then PUT the spool file; ms and the server's job id. */
async function uploadOurs(
  api: JobsApi,
  auth: JobsApiAuth,
  doc: { file: string; size: number; sha256: string },
  kind: BodyKind,
) {
  const start = performance.now();
  const job = await api.register(auth, {
    clientJobId: randomBytes(16).toString('hex'),
    spool: 'cloud',
    name: 'bench.pdf',
    pages: 1,
    size: doc.size,
    sha256: doc.sha256,
    options: OPTIONS,
  });
  // What JobStore.openDocument hands the outbox: an open handle and the size.
  const handle = await open(doc.file, 'r');
  const stream = kind === 'stream' ? handle.createReadStream() : null;
  try {
    const stored = await api.upload(auth, job.id, stream ?? { handle, size: doc.size });
    if (stored.state !== 'ready') throw new Error(`the server holds the upload as ${stored.state}`);
  } finally {
    stream?.destroy();
    await handle.close();
  }
  return { ms: since(start), jobId: job.id };
}

/** `curl -T` of the file into the sink; ms and curl's peak RSS (MB, sampled from /proc while it runs). */
async function uploadPeer(sinkUrl: string, file: string) {
  const start = performance.now();
  const curl = spawn('curl', ['-sS', '-o', '/dev/null', '-w', '%{http_code}', '-T', file, `${sinkUrl}/doc`], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let status = '';
  curl.stdout.on('data', (d: Buffer) => (status += String(d)));
  let peakMb = 0;
  const sample = setInterval(() => {
    try {
      peakMb = Math.max(peakMb, procMemoryMb(curl.pid as number, 'VmHWM') || 0);
    } catch {
      // curl has just exited
    }
  }, 5);
  const code = await new Promise<number | null>((done) => curl.on('close', done));
  const ms = since(start);
  clearInterval(sample);
  if (code !== 0 || status !== '201') throw new Error(`curl exited ${code}, sink answered ${status}`);
  return { ms, peakMb };
}

/** Who sends and who receives. */
type Side = 'peer' | BodyKind;

/** What one upload cost: MB/s, CPU seconds and peak RSS (MB) of the receiver and of the client. */
interface Run {
  mbps: number;
  receiverCpu: number;
  clientCpu: number;
  receiverPeak: number;
  clientPeak: number;
}

/** Runs the cloud upload benchmark and prints its lines. */
export async function runCloudUploadBench(workDir: string): Promise<void> {
  if (spawnSync('curl', ['--version']).error) {
    report(`cloud upload ${SIZE_MB} MB PDF`, 'skipped', 'curl not installed', 'apt-get install -y curl');
    return;
  }
  const file = join(workDir, `cloud-${SIZE_MB}mb.pdf`);
  const sha256 = await writeBigPdf(file, SIZE_MB * MB);
  const size = statSync(file).size;
  const sinkFile = join(workDir, 'cloud-sink.out');
  const server = await spawnServer(
    workDir,
    'cloud-server',
    ['server-stub/src/server.ts', '--data-dir', mkdtempSync(join(workDir, 'cloud-server-')), '--port', '0'],
    { CPS_ADMIN_USERNAME: ADMIN.username, CPS_ADMIN_PASSWORD: ADMIN.password },
    /cps-server listening on http:\/\/127\.0\.0\.1:(\d+)/,
  );
  const sink = await spawnServer(
    workDir,
    'cloud-sink',
    [import.meta.filename, 'sink', sinkFile],
    {},
    /listening on (\d+)/,
  );
  const http = createCloudHttpClient({ baseUrl: server.url, proxy: async () => ({ mode: 'none' }) });
  try {
    const auth = await desktopOfNewCustomer(server.url, createSessionApi(http, server.url));
    const api = createJobsApi(http, server.url);
    const doc = { file, size, sha256 };

    async function measure(side: Side): Promise<Run> {
      const receiver = side === 'peer' ? sink.pid : server.pid;
      timeCommand('sync');
      resetPeak(receiver);
      resetPeak(process.pid);
      const cpu = {
        receiver: procCpuSeconds(receiver),
        client: process.cpuUsage(),
        children: procCpuSeconds(process.pid, 'children'),
      };
      let ms: number;
      let clientPeak: number;
      if (side === 'peer') {
        const r = await uploadPeer(sink.url, file);
        ms = r.ms;
        clientPeak = r.peakMb;
        if (statSync(sinkFile).size !== size) throw new Error('the sink stored another size');
      } else {
        const r = await uploadOurs(api, auth, doc, side);
        ms = r.ms;
        clientPeak = procMemoryMb(process.pid, 'VmHWM');
        // Canceling deletes the stored document (not measured), so the disk does not fill up.
        await call(server.url, `/api/v1/jobs/${r.jobId}/cancel`, auth.token, {});
      }
      const used = process.cpuUsage(cpu.client);
      const run = {
        mbps: size / MB / (ms / 1000),
        receiverCpu: procCpuSeconds(receiver) - cpu.receiver,
        // curl's CPU is counted once it has been waited for; ours is this process's.
        clientCpu:
          side === 'peer'
            ? procCpuSeconds(process.pid, 'children') - cpu.children
            : (used.user + used.system) / 1e6,
        receiverPeak: procMemoryMb(receiver, 'VmHWM'),
        clientPeak,
      };
      rmSync(sinkFile, { force: true });
      return run;
    }

    const atRest = {
      server: procMemoryMb(server.pid, 'VmRSS'),
      sink: procMemoryMb(sink.pid, 'VmRSS'),
      client: procMemoryMb(process.pid, 'VmRSS'),
    };
    const sides: Side[] = ['peer', 'file', 'stream'];
    const runs = new Map<Side, Run[]>(sides.map((side) => [side, []]));
    for (let round = 0; round < ROUNDS; round++) {
      // Each round starts with another side, so that a noisy neighbour or a disk flush hurts all of them.
      for (let i = 0; i < sides.length; i++) {
        const side = sides[(round + i) % sides.length] as Side;
        runs.get(side)?.push(await measure(side));
      }
    }

    const median = (side: Side, pick: (r: Run) => number) => percentile((runs.get(side) ?? []).map(pick), 50);
    const most = (side: Side, pick: (r: Run) => number) => Math.max(...(runs.get(side) ?? []).map(pick));
    const range = (side: Side) => {
      const v = (runs.get(side) ?? []).map((r) => r.mbps);
      return `${Math.min(...v).toFixed(0)}-${Math.max(...v).toFixed(0)}`;
    };
    const peerMbps = median('peer', (r) => r.mbps);
    for (const [side, label] of [
      ['file', `cloud upload ${SIZE_MB} MB PDF (median of ${ROUNDS})`],
      ['stream', '  same, as a stream (job-outbox.ts today)'],
    ] as const) {
      const ratio = median(side, (r) => r.mbps) / peerMbps;
      report(
        label,
        `${median(side, (r) => r.mbps).toFixed(0)} MB/s (${range(side)})`,
        `curl->sink+fsync ${peerMbps.toFixed(0)} (${range('peer')})`,
        `ratio ${ratio.toFixed(2)} ${goal(ratio >= 0.7, '>= 0.7')}`,
      );
    }
    const perGb = (side: Side, pick: (r: Run) => number) =>
      (median(side, pick) / (size / (1024 * MB))).toFixed(2);
    report(
      '  CPU s/GB, receiver + client (file)',
      `${perGb('file', (r) => r.receiverCpu)} + ${perGb('file', (r) => r.clientCpu)}`,
      `sink ${perGb('peer', (r) => r.receiverCpu)} + curl ${perGb('peer', (r) => r.clientCpu)}`,
      `stream: ${perGb('stream', (r) => r.receiverCpu)} + ${perGb('stream', (r) => r.clientCpu)}`,
    );
    report(
      '  peak RSS MB, receiver + client (file)',
      `${most('file', (r) => r.receiverPeak).toFixed(0)} + ${most('file', (r) => r.clientPeak).toFixed(0)}`,
      `sink ${most('peer', (r) => r.receiverPeak).toFixed(0)} + curl ${most('peer', (r) => r.clientPeak).toFixed(0)}`,
      `at rest ${atRest.server.toFixed(0)} + ${atRest.client.toFixed(0)}, sink ${atRest.sink.toFixed(0)}`,
    );
  } finally {
    await http.close();
    server.stop();
    sink.stop();
  }
}
