// The cloud server as a child process, the way `npm run server` runs it (end-to-end tests, crash tests).
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './spooler-process.js';

/** A running server child. */
export interface ServerProcess {
  child: ChildProcess;
  /** `http://127.0.0.1:<port>` from its listening line. */
  url: string;
  dataDir: string;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the exit code (or the signal name). */
  exited: Promise<number | string>;
  /** SIGTERM, then SIGKILL after 5 s; resolves once it is gone. */
  stop(): Promise<void>;
}

/** What to start. */
export interface ServerProcessOptions {
  /** Default 0 (a free port); give the old port to restart a killed server at the same URL. */
  port?: number;
  /** The first admin, created on the first start only. */
  admin?: { username: string; password: string };
  extraArgs?: string[];
  env?: NodeJS.ProcessEnv;
}

/** Starts `server-stub/src/server.ts` on 127.0.0.1 and waits for its listening line. */
export async function startServerProcess(
  dataDir: string,
  options: ServerProcessOptions = {},
): Promise<ServerProcess> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(REPO_ROOT, 'server-stub/src/server.ts'),
      ...['--data-dir', dataDir, '--port', String(options.port ?? 0), '--host', '127.0.0.1'],
      ...(options.extraArgs ?? []),
    ],
    {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        CPS_LOG_LEVEL: 'warn',
        CPS_ADMIN_USERNAME: options.admin?.username ?? '',
        CPS_ADMIN_PASSWORD: options.admin?.password ?? '',
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  let err = '';
  child.stderr.on('data', (c: Buffer) => (err = (err + c.toString()).slice(-65536)));
  const exited = new Promise<number | string>((res) =>
    child.on('exit', (code, signal) => res(code ?? signal ?? -1)),
  );
  const url = await new Promise<string>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`the server did not start: ${err}`)), 30_000);
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /listening on (\S+)/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        res(m[1]);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      rej(new Error(`the server exited (${code}) before listening: ${err}`));
    });
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  return { child, url, dataDir, stdout: () => out, stderr: () => err, exited, stop };
}
