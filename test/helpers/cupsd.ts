// A private cupsd for end-to-end tests (peers.md, "A private cupsd"): its own ServerRoot in a temp folder,
// loopback only, LogLevel debug, started as root in the foreground and stopped by its PID. It writes nothing
// outside its folder, and the clients (lp, lpadmin, lpstat, lpoptions) always name it with `-h`, so neither
// touches the machine's own cupsd. cupsd needs no D-Bus (Browsing is off; only ippeveprinter does): it is
// given a system bus address that does not exist, so that it announces nothing on the machine's bus.
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** What a command printed, and how it ended. */
export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The CUPS clients the fixture points at its cupsd with `-h 127.0.0.1:<port>`. */
export type CupsClient = 'lp' | 'lpadmin' | 'lpstat' | 'lpoptions' | 'cancel';

/** A running private cupsd. */
export interface Cupsd {
  port: number;
  pid: number;
  /** The temp folder holding its ServerRoot (`etc/`), spool, state and logs. */
  root: string;
  /** `127.0.0.1:<port>`, what `-h` takes. */
  server: string;
  /** Runs a CUPS client against this cupsd; never throws for a non-zero exit. */
  run(client: CupsClient, args: string[], timeoutMs?: number): Promise<CommandResult>;
  /** Runs a CUPS client and throws (with cupsd's log) when it exits non-zero. */
  check(client: CupsClient, args: string[], timeoutMs?: number): Promise<string>;
  /**
   * Adds an enabled queue and waits until it can take jobs: for `everywhere`, until cupsd has finished
   * building the PPD from the printer's attributes (lpadmin returns before that).
   */
  addQueue(name: string, deviceUri: string, model: 'everywhere' | 'raw', timeoutMs?: number): Promise<void>;
  /** The whole error_log. */
  errorLog(): string;
  /** The end of the error_log, or of one job's lines (`[Job 3]`), for a failure message. */
  logExcerpt(job?: number, lines?: number): string;
  /** Runs `fn`; when it throws, cupsd's log excerpt is added to the error's message. */
  withLog<T>(fn: () => Promise<T>, job?: number): Promise<T>;
  /** SIGTERM by PID, waits for the exit (SIGKILL after `timeoutMs`), then removes the folder. */
  stop(timeoutMs?: number): Promise<void>;
}

/** Options of `startCupsd`. */
export interface CupsdOptions {
  /** cupsd's LogLevel (debug shows every IPP request and answer of the ipp backend). */
  logLevel?: 'error' | 'warn' | 'info' | 'debug' | 'debug2';
  startTimeoutMs?: number;
  /** Keep the folder after `stop` (to read the logs by hand). */
  keep?: boolean;
}

/** Why a private cupsd cannot run here, or null when it can (it must run as root to drop to user lp). */
export function cupsdUnavailable(): string | null {
  if (process.getuid?.() !== 0) return 'a private cupsd runs as root (it drops to user lp for filters)';
  return null;
}

/** Runs a program, collecting its output; `code` is null when it was killed (timeout). */
export function runCommand(
  file: string,
  args: string[],
  options: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<CommandResult> {
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      { timeout: options.timeoutMs ?? 15_000, env: options.env ?? process.env, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err === null ? 0 : typeof err.code === 'number' ? err.code : null;
        const spawnError = err !== null && typeof err.code === 'string' ? `${err.message}\n` : '';
        resolve({ code, stdout, stderr: spawnError + stderr });
      },
    );
  });
}

/** Tries to bind `port` on `host`; resolves with the error code, or null when it was free. */
function tryBind(host: string, port: number): Promise<string | null> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'EUNKNOWN'));
    server.listen(port, host, () => {
      server.close(() => resolve(null));
    });
  });
}

/** A port free on 127.0.0.1 (and on ::1 when the machine has IPv6), and whether ::1 can be listened on. */
async function freeLoopbackPort(): Promise<{ port: number; ipv6: boolean }> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const p = (server.address() as { port: number }).port;
        server.close(() => resolve(p));
      });
    });
    const v6 = await tryBind('::1', port);
    if (v6 === null) return { port, ipv6: true };
    if (v6 === 'EADDRNOTAVAIL' || v6 === 'EAFNOSUPPORT') return { port, ipv6: false };
  }
  throw new Error('no free loopback port for cupsd');
}

function cupsdConf(port: number, ipv6: boolean, logLevel: string): string {
  const allow = ipv6 ? '  Allow from 127.0.0.1\n  Allow from ::1\n' : '  Allow from 127.0.0.1\n';
  return [
    `LogLevel ${logLevel}`,
    // Rotation at the default 1 MB would drop the start of a debug log.
    'MaxLogSize 0',
    `Listen 127.0.0.1:${port}`,
    ...(ipv6 ? [`Listen [::1]:${port}`] : []),
    'ServerName localhost',
    'ServerAlias *',
    'Browsing No',
    'BrowseLocalProtocols none',
    'DefaultAuthType None',
    'WebInterface No',
    'DefaultShared No',
    `<Location />\n  Order allow,deny\n${allow}</Location>`,
    `<Location /admin>\n  Order allow,deny\n${allow}</Location>`,
    '<Policy default>',
    '  JobPrivateAccess all',
    '  JobPrivateValues none',
    '  SubscriptionPrivateAccess all',
    '  SubscriptionPrivateValues none',
    '  <Limit All>\n    Order deny,allow\n  </Limit>',
    '</Policy>',
    '',
  ].join('\n');
}

function cupsFilesConf(root: string): string {
  return [
    'User lp',
    'Group lp',
    'SystemGroup root',
    `ServerRoot ${root}/etc`,
    `RequestRoot ${root}/spool`,
    `CacheDir ${root}/cache`,
    `StateDir ${root}/state`,
    `TempDir ${root}/tmp`,
    `ServerKeychain ${root}/etc/ssl`,
    `ErrorLog ${root}/log/error_log`,
    `AccessLog ${root}/log/access_log`,
    `PageLog ${root}/log/page_log`,
    'ServerBin /usr/lib/cups',
    'DataDir /usr/share/cups',
    'FileDevice Yes',
    'Sandboxing Relaxed',
    // Else it writes /run/cups/printcap.
    `Printcap ${root}/state/printcap`,
    '',
  ].join('\n');
}

/** Lays out the ServerRoot of a private cupsd in `root`. */
function writeServerRoot(root: string, port: number, ipv6: boolean, logLevel: string): void {
  for (const dir of ['etc/ppd', 'etc/ssl', 'spool', 'cache', 'state', 'tmp', 'log'])
    mkdirSync(join(root, dir), { recursive: true });
  // Filters run as user lp: they must reach the spool files and write in TempDir.
  chmodSync(root, 0o755);
  chownSync(join(root, 'tmp'), 0, lpGid());
  chmodSync(join(root, 'tmp'), 0o1770);
  // Raw queues and `lp -o raw` need these MIME rules in the ServerRoot.
  for (const name of ['raw.types', 'raw.convs'])
    copyFileSync(join('/etc/cups', name), join(root, 'etc', name));
  writeFileSync(join(root, 'etc/cupsd.conf'), cupsdConf(port, ipv6, logLevel));
  writeFileSync(join(root, 'etc/cups-files.conf'), cupsFilesConf(root));
}

function lpGid(): number {
  const line = readFileSync('/etc/group', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('lp:'));
  const gid = Number(line?.split(':')[2]);
  if (!Number.isInteger(gid)) throw new Error('there is no group lp (install the cups package)');
  return gid;
}

/** Sends a signal to the child by its PID; it may have exited a moment ago. */
function signal(child: ChildProcess, name: NodeJS.Signals): void {
  try {
    process.kill(child.pid as number, name);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

/**
 * One job's lines of a debug error_log, with the errors and warnings of the whole log, leaving out the
 * filter environment and the bodies of the ipp backend's printer-status polls (Get-Printer-Attributes),
 * which say nothing about the job: what stays is what CUPS sent our printer and what it answered.
 */
function jobLines(all: string[], job: number): string[] {
  const tag = `[Job ${job}]`;
  const out: string[] = [];
  let inPoll = false;
  for (const line of all) {
    if (/^[EW] \[/.test(line) && !line.includes('[Job ')) {
      out.push(line);
      continue;
    }
    if (!line.includes(tag) || /\benvp\[/.test(line)) continue;
    if (/Get-Printer-Attributes( #\d+|: )/.test(line)) {
      inPoll = true;
      out.push(line); // the request, or the status of the answer
    } else if (!inPoll) out.push(line);
    else if (line.includes('end-of-attributes-tag')) inPoll = false;
  }
  return out;
}

/** Starts a private cupsd on a free loopback port and waits until `lpstat -r` says it runs. */
export async function startCupsd(options: CupsdOptions = {}): Promise<Cupsd> {
  const logLevel = options.logLevel ?? 'debug';
  const startTimeoutMs = options.startTimeoutMs ?? 15_000;
  let lastError = '';
  // A port found free can be taken before cupsd binds it: try again on another one.
  for (let attempt = 0; attempt < 3; attempt++) {
    const root = mkdtempSync(join(tmpdir(), 'cps-cupsd-'));
    const { port, ipv6 } = await freeLoopbackPort();
    writeServerRoot(root, port, ipv6, logLevel);
    const started = await launch(root, port, startTimeoutMs, options.keep ?? false);
    if ('cupsd' in started) return started.cupsd;
    lastError = started.error;
    if (!options.keep) rmSync(root, { recursive: true, force: true });
  }
  throw new Error(`cupsd did not start: ${lastError}`);
}

async function launch(
  root: string,
  port: number,
  startTimeoutMs: number,
  keep: boolean,
): Promise<{ cupsd: Cupsd } | { error: string }> {
  const env = { ...process.env, DBUS_SYSTEM_BUS_ADDRESS: `unix:path=${join(root, 'no-system-bus')}` };
  const child: ChildProcess = spawn(
    'cupsd',
    ['-f', '-c', join(root, 'etc/cupsd.conf'), '-s', join(root, 'etc/cups-files.conf')],
    { env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | string>((resolve) => {
    child.once('error', (err: NodeJS.ErrnoException) =>
      resolve(err.code === 'ENOENT' ? `${err.message} (install the cups package)` : err.message),
    );
    child.once('exit', (code, signal) => resolve(code ?? signal ?? -1));
  });
  const status: { exit: number | string | null } = { exit: null };
  void exited.then((e) => (status.exit = e));

  const server = `127.0.0.1:${port}`;
  const errorLog = () => {
    try {
      return readFileSync(join(root, 'log/error_log'), 'utf8');
    } catch {
      return '';
    }
  };
  const logExcerpt = (job?: number, lines = 110) => {
    const all = errorLog().split('\n');
    return (job === undefined ? all : jobLines(all, job)).slice(-lines).join('\n');
  };
  const run = (client: CupsClient, args: string[], timeoutMs?: number) =>
    runCommand(client, ['-h', server, ...args], timeoutMs === undefined ? {} : { timeoutMs });
  const check = async (client: CupsClient, args: string[], timeoutMs?: number) => {
    const r = await run(client, args, timeoutMs);
    if (r.code !== 0) {
      throw new Error(
        `${client} ${args.join(' ')} exited ${r.code}: ${r.stderr}${r.stdout}\n--- cupsd error_log ---\n${logExcerpt()}`,
      );
    }
    return r.stdout;
  };

  const deadline = Date.now() + startTimeoutMs;
  for (;;) {
    if (status.exit !== null)
      return { error: `cupsd exited (${status.exit}): ${output}\n${logExcerpt(undefined, 40)}` };
    const r = await run('lpstat', ['-r'], 2000);
    if (r.code === 0 && /scheduler is running/.test(r.stdout)) break;
    if (Date.now() > deadline) {
      signal(child, 'SIGKILL');
      await exited;
      return {
        error: `no answer on ${server} in ${startTimeoutMs} ms: ${output}\n${logExcerpt(undefined, 40)}`,
      };
    }
    await sleep(50);
  }

  const cupsd: Cupsd = {
    port,
    pid: child.pid as number,
    root,
    server,
    run,
    check,
    errorLog,
    logExcerpt,
    async addQueue(name, deviceUri, model, timeoutMs = 20_000) {
      await check('lpadmin', ['-p', name, '-E', '-v', deviceUri, '-m', model]);
      const until = Date.now() + timeoutMs;
      for (;;) {
        const state = await run('lpstat', ['-p', name]);
        // lpoptions -l answers once cupsd has the queue's PPD (for `everywhere`, built after lpadmin returned).
        const ppd = model === 'raw' ? null : await run('lpoptions', ['-p', name, '-l']);
        const enabled = state.code === 0 && /enabled/.test(state.stdout);
        if (enabled && (ppd === null || (ppd.code === 0 && /^PageSize\//m.test(ppd.stdout)))) return;
        if (Date.now() > until) {
          throw new Error(
            `queue ${name} (${model}, ${deviceUri}) not ready in ${timeoutMs} ms: ${state.stdout}${state.stderr}` +
              `${ppd ? ppd.stdout + ppd.stderr : ''}\n--- cupsd error_log ---\n${logExcerpt()}`,
          );
        }
        await sleep(100);
      }
    },
    async withLog(fn, job) {
      try {
        return await fn();
      } catch (err) {
        if (err instanceof Error) {
          const extra = `\n--- cupsd error_log${job === undefined ? '' : ` (job ${job})`} ---\n${logExcerpt(job)}`;
          err.message += extra;
          if (err.stack !== undefined) err.stack += extra;
        }
        throw err;
      }
    },
    async stop(timeoutMs = 10_000) {
      if (status.exit === null) {
        signal(child, 'SIGTERM');
        const result = await Promise.race([exited, sleep(timeoutMs, 'timeout' as const, { ref: false })]);
        if (result === 'timeout') {
          signal(child, 'SIGKILL');
          await exited;
        }
      }
      if (!keep) rmSync(root, { recursive: true, force: true });
    },
  };
  return { cupsd };
}
