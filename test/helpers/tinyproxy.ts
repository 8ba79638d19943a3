// A real HTTP proxy for tests: tinyproxy (Debian package, installed by .ci/run) on a free loopback port with
// its own config and log in a temp folder, optionally asking for Basic credentials, stopped when the test ends.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TestContext } from 'node:test';
import { tempDir } from './temp-dir.js';

/** A running proxy. */
export interface Tinyproxy {
  url: string;
  port: number;
  /** The proxy's log so far (LogLevel Connect: one "Request" line per forwarded request or CONNECT). */
  log(): string;
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function accepting(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

/** Starts tinyproxy; with `auth`, it refuses requests without those Basic credentials. */
export async function startTinyproxy(
  t: Pick<TestContext, 'after'>,
  auth?: { username: string; password: string },
): Promise<Tinyproxy> {
  const dir = tempDir(t, 'cps-tinyproxy-');
  const logPath = join(dir, 'tinyproxy.log');
  // A few tries: the free port may be taken between our probe and tinyproxy's bind.
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const conf = [
      `Port ${port}`,
      'Listen 127.0.0.1',
      'Timeout 30',
      `LogFile "${logPath}"`,
      'LogLevel Connect',
      'MaxClients 50',
      'Allow 127.0.0.1',
      // No ConnectPort line: CONNECT to any port (the test servers use random ones).
      ...(auth ? [`BasicAuth ${auth.username} ${auth.password}`] : []),
      '',
    ].join('\n');
    writeFileSync(join(dir, 'tinyproxy.conf'), conf);
    writeFileSync(logPath, '');
    const child = spawn('tinyproxy', ['-d', '-c', join(dir, 'tinyproxy.conf')], { stdio: 'ignore' });
    const failed = new Promise<Error>((resolve) => {
      child.once('error', resolve);
      child.once('exit', (code) => resolve(new Error(`tinyproxy exited with ${code}: ${readLog(logPath)}`)));
    });
    t.after(() => stop(child));
    const deadline = Date.now() + 5000;
    let error: Error | null = null;
    while (!error && !(await accepting(port))) {
      error = await Promise.race([failed, sleep(25).then(() => null)]);
      if (!error && Date.now() > deadline) error = new Error('tinyproxy did not start listening');
    }
    if (!error) return { url: `http://127.0.0.1:${port}`, port, log: () => readLog(logPath) };
    await stop(child);
    if (attempt >= 3 || (error as NodeJS.ErrnoException).code === 'ENOENT') throw error;
  }
}

function readLog(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
