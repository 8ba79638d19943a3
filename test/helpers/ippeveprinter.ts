// ippeveprinter (CUPS's IPP Everywhere printer) as the network printer of tests and benches, started as
// peers.md says: a private D-Bus, no DNS-SD, its own certificate folder (-K), every document kept (-k),
// each job "printed" at once (-c /bin/true). The same port speaks IPP and IPPS.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { connect } from 'node:tls';

/** A started program whose last 64 KB of output is kept. */
export interface Child {
  child: ChildProcess;
  exited: Promise<number | string>;
  output: () => string;
}

/** Starts a program, keeping its output. */
export function startChild(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Child {
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (c: Buffer) => (output = (output + c.toString()).slice(-65536));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | string>((resolve) => {
    child.on('close', (code, signal) => resolve(code ?? signal ?? -1));
    child.on('error', (err) => {
      output += String(err);
      resolve(-1);
    });
  });
  return { child, exited, output: () => output };
}

/** SIGTERM, then SIGKILL after 5 s; resolves once the process is gone. */
export async function stopChild(c: Pick<Child, 'child' | 'exited'>): Promise<void> {
  if (c.child.exitCode !== null || c.child.signalCode !== null) return;
  c.child.kill('SIGTERM');
  const timer = setTimeout(() => c.child.kill('SIGKILL'), 5000);
  await c.exited;
  clearTimeout(timer);
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

/** Polls until `ready`, failing early with the program's output if it exits. */
export async function waitUntil(
  what: string,
  ready: () => boolean | Promise<boolean>,
  c: Child,
): Promise<void> {
  const deadline = performance.now() + 15_000;
  while (!(await ready())) {
    if (c.child.exitCode !== null || c.child.signalCode !== null)
      throw new Error(`${what} exited before it was ready: ${c.output()}`);
    if (performance.now() > deadline) throw new Error(`${what} is not ready after 15 s: ${c.output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A running ippeveprinter. */
export interface IppEvePrinter {
  /** `ipp://localhost:PORT/ipp/print`. */
  uri: string;
  /** The same printer over TLS. */
  ippsUri: string;
  port: number;
  /** SHA-256 (hex) of its self-signed certificate, for pinning. */
  certSha256(): Promise<string>;
  /** The documents it kept: job name -> bytes (file `<job-id>-<job-name>.<ext>`). */
  kept(): Map<string, Buffer>;
  /** The document of the job with this name, once the printer has finished writing it (waits up to 15 s). */
  document(jobName: string): Promise<Buffer>;
  stop(): Promise<void>;
}

/** Starts ippeveprinter in `dir` (spool, certificates and its D-Bus socket live there). */
export async function startIppEvePrinter(dir: string, name = 'Test Printer'): Promise<IppEvePrinter> {
  const spool = join(dir, 'spool');
  mkdirSync(spool, { recursive: true });
  mkdirSync(join(dir, 'ssl'), { recursive: true });
  const bus = join(dir, 'bus.sock');
  const children = [startChild('dbus-daemon', ['--session', '--nofork', `--address=unix:path=${bus}`])];
  const stop = async () => {
    for (const c of children.reverse()) await stopChild(c);
  };
  try {
    await waitUntil('dbus-daemon', () => existsSync(bus), children[0] as Child);
    const port = await freePort();
    const args = ['-r', 'off', '-n', 'localhost', '-p', String(port), '-K', join(dir, 'ssl'), '-d', spool];
    args.push('-2', '-k', '-c', '/bin/true', '-f', 'application/pdf', '-m', 'Test', '-M', 'CUPS', name);
    const eve = startChild('ippeveprinter', args, { DBUS_SYSTEM_BUS_ADDRESS: `unix:path=${bus}` });
    children.push(eve);
    await waitUntil('ippeveprinter', () => canConnect(port), eve);
    const kept = () => {
      const files = new Map<string, Buffer>();
      for (const f of readdirSync(spool)) {
        // `.prn` is what the -c command printed (nothing, with /bin/true); the document has its own extension.
        const m = /^\d+-(.+)\.(?!prn$)[a-z]+$/.exec(f);
        if (m) files.set(m[1] as string, readFileSync(join(spool, f)));
      }
      return files;
    };
    return {
      uri: `ipp://localhost:${port}/ipp/print`,
      ippsUri: `ipps://localhost:${port}/ipp/print`,
      port,
      certSha256: () =>
        new Promise((resolve, reject) => {
          const socket = connect(
            { host: '127.0.0.1', port, servername: 'localhost', rejectUnauthorized: false },
            () => {
              const cert = socket.getPeerX509Certificate();
              socket.destroy();
              if (!cert) reject(new Error('ippeveprinter presented no certificate'));
              else resolve(createHash('sha256').update(cert.raw).digest('hex'));
            },
          );
          socket.on('error', reject);
        }),
      kept,
      async document(jobName) {
        // The job is processed after Print-Job is answered: the kept file appears a moment later.
        const deadline = performance.now() + 15_000;
        for (;;) {
          // ippeveprinter names the file after the job with every character but letters, digits and - as _.
          const found = kept().get(jobName.replace(/[^A-Za-z0-9-]/g, '_'));
          const processing = readdirSync(spool).some((f) => !/^\d+-.+\.[a-z]+$/.test(f));
          if (found && !processing) return found;
          if (performance.now() > deadline) {
            throw new Error(
              `ippeveprinter kept no document for ${jobName}: ${readdirSync(spool).join(', ')}`,
            );
          }
          await new Promise((r) => setTimeout(r, 50));
        }
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
