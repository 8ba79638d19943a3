// The headless spooler as a child process, the way users and the OS run it.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The MFP job server's listening line: scheme and host, then port. */
const MFP_LINE = /MFP job server listening on (https?:\/\/\S+):(\d+)/;

/** The repository root (tests run from anywhere). */
export const REPO_ROOT = resolve(import.meta.dirname, '../..');

/** A running child spooler. */
export interface SpoolerProcess {
  child: ChildProcess;
  port: number;
  /** Port of the virtual IPP printer. */
  ippPort: number;
  /** Port of the MFP job server (bound to 127.0.0.1 unless the test asks for another --mfp-host). */
  mfpPort: number;
  token: string;
  dataDir: string;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the exit code (or the signal name). */
  exited: Promise<number | string>;
}

/** Spawns `main/headless.ts` under plain Node; `args` are extra flags. */
export function spawnSpooler(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): { child: ChildProcess; out: () => string; err: () => string; exited: Promise<number | string> } {
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'main/headless.ts'), ...args], {
    cwd: REPO_ROOT,
    // No embedded cloud server unless a test asks (`--server-url` wins over the environment): tests run in
    // parallel and must not share its port.
    env: { ...process.env, CPS_SERVER_URL: 'none', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<number | string>((res) =>
    child.on('exit', (code, signal) => res(code ?? signal ?? -1)),
  );
  return { child, out: () => out, err: () => err, exited };
}

/**
 * Starts a spooler on free ports (hot folder off unless asked) and waits for its listening lines. The MFP job
 * server listens on loopback: tests never open a LAN port (a later `--mfp-host` in `extraArgs` wins).
 */
export async function startSpoolerProcess(
  dataDir: string,
  extraArgs: string[] = ['--hot-folder', 'off'],
  env: NodeJS.ProcessEnv = {},
): Promise<SpoolerProcess> {
  const p = spawnSpooler(
    [
      '--data-dir',
      dataDir,
      '--control-port',
      '0',
      '--ipp-port',
      '0',
      '--mfp-port',
      '0',
      '--mfp-host',
      '127.0.0.1',
      ...extraArgs,
    ],
    env,
  );
  const port = await new Promise<number>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`spooler did not start: ${p.err()}`)), 30_000);
    const check = () => {
      const m = /control API listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(p.out());
      // The printer's and the MFP server's lines come right after; wait for all so that every port is known.
      if (m && /virtual printer listening on /.test(p.out()) && MFP_LINE.test(p.out())) {
        clearTimeout(timer);
        res(Number(m[1]));
      }
    };
    p.child.stdout?.on('data', check);
    void p.exited.then((code) => {
      clearTimeout(timer);
      rej(new Error(`spooler exited (${code}) before listening: ${p.err()}`));
    });
  });
  const token = readFileSync(join(dataDir, 'control-token'), 'utf8').trim();
  const ippPort = Number(/virtual printer listening on ipp:\/\/127\.0\.0\.1:(\d+)/.exec(p.out())?.[1] ?? NaN);
  return {
    child: p.child,
    port,
    ippPort,
    mfpPort: Number(MFP_LINE.exec(p.out())?.[2] ?? NaN),
    token,
    dataDir,
    stdout: p.out,
    stderr: p.err,
    exited: p.exited,
  };
}
