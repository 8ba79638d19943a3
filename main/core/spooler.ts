// The composition root of the spooler core: store, control API, hot folder, retention, in start/stop order.
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { createControlApp, listenControl, registeredRoutes } from '../control/control-server.js';
import { createControlToken } from '../control/control-token.js';
import { createIppPrinter } from '../capture/ipp-printer.js';
import { startHotFolder } from '../hotfolder/hot-folder.js';
import type { HotFolder } from '../hotfolder/hot-folder.js';
import type { Logger } from '../log/logger.js';
import type { FileSystem } from '../spool/file-system.js';
import { openJobStore } from '../spool/job-store.js';
import type { JobStore } from '../spool/job-store.js';
import { retentionReason } from '../spool/retention.js';
import type { RetentionPolicy } from '../spool/retention.js';
import type { SpoolerConfig } from './config.js';
import { dataDirProblem, lockDataDir, prepareDataDir } from './data-dir.js';
import { VERSION } from './version.js';

/** A port could not be bound; the message names it and what to do. */
export class PortError extends Error {}

/** Says which listener could not bind, and what to do about it. */
function portError(what: string, flag: string, port: number, err: unknown): PortError {
  const code = (err as { code?: string }).code;
  return new PortError(
    code === 'EADDRINUSE'
      ? `Port ${port} (${what}) on 127.0.0.1 is already in use: is another spooler running? Choose another with ${flag}.`
      : `The ${what} cannot listen on 127.0.0.1:${port} (${code ?? String(err)}).`,
  );
}

/** A running spooler. */
export interface Spooler {
  readonly store: JobStore;
  readonly ports: Record<string, number>;
  readonly controlToken: string;
  readonly hotFolder: HotFolder | null;
  /** `METHOD /url` of every control API route. */
  readonly controlRoutes: readonly string[];
  /** Runs the retention sweep now; returns how many jobs it deleted. */
  sweep(): Promise<number>;
  /** Stops accepting, finishes in-flight writes, closes everything. */
  stop(): Promise<void>;
}

function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

/** Starts the core with `config`; `fs` is the file-system seam (fault injection in tests). */
export async function startSpooler(
  config: SpoolerConfig,
  log: Logger,
  deps: { fs?: FileSystem; now?: () => number } = {},
): Promise<Spooler> {
  await prepareDataDir(config.dataDir);
  const unlock = await lockDataDir(config.dataDir);
  const cleanups: Array<() => Promise<void>> = [unlock];
  let stopped: Promise<void> | null = null;
  const cleanup = () =>
    (stopped ??= (async () => {
      for (const fn of cleanups.reverse()) await fn().catch(() => undefined);
    })());
  try {
    const started = Date.now();
    const { store, report } = await openJobStore({
      dataDir: config.dataDir,
      ...(deps.fs ? { fs: deps.fs } : {}),
      ...(deps.now ? { now: deps.now } : {}),
      log: (m, meta) => log.warn(m, meta),
    }).catch((err: unknown) => {
      throw (err as { code?: string }).code ? dataDirProblem(config.dataDir, err) : err;
    });
    cleanups.push(() => store.close());
    log.info('spool opened', { ...report, dataDir: config.dataDir, ms: Date.now() - started });

    const now = deps.now ?? Date.now;
    const policy: RetentionPolicy = {
      doneMs: config.retentionDoneHours * 3600_000,
      unprintedMs: config.retentionUnprintedDays * 86400_000,
    };
    const sweep = async () => {
      let removed = 0;
      const t = now();
      for (const r of [...store.records()]) {
        const reason = retentionReason(r, policy, t);
        if (reason && (await store.remove(r.id).catch(() => false))) {
          removed++;
          log.info('job deleted by retention', { job: r.id, reason });
        }
      }
      return removed;
    };
    await sweep();
    const sweeper = setInterval(() => void sweep(), config.sweepIntervalMinutes * 60_000);
    sweeper.unref();
    cleanups.push(async () => clearInterval(sweeper));

    const token = await createControlToken(config.dataDir, deps.fs);
    log.addSecret(token);
    const ports: Record<string, number> = {};
    const owner = osUser();
    const app = createControlApp({
      store,
      token,
      log,
      version: VERSION,
      maxUploadBytes: config.maxJobBytes,
      allowedOrigins: config.allowedOrigins,
      owner: () => owner,
      ports: () => ({ ...ports }),
    });
    ports.control = await listenControl(app, config.controlPort).catch((err: unknown) => {
      throw portError('control API', '--control-port', config.controlPort, err);
    });
    cleanups.push(() => app.close());

    const printer = createIppPrinter({
      store,
      log,
      maxJobBytes: config.maxJobBytes,
      dataDir: config.dataDir,
      mediaDefault: config.mediaDefault,
    });
    ports.ipp = await printer.listen(config.ippPort).catch((err: unknown) => {
      throw portError('virtual printer', '--ipp-port', config.ippPort, err);
    });
    cleanups.push(() => printer.close());

    let hotFolder: HotFolder | null = null;
    if (config.hotFolder !== null) {
      hotFolder = await startHotFolder({
        dir: config.hotFolder,
        store,
        log,
        maxBytes: config.maxJobBytes,
        owner: () => owner,
        stableMs: config.hotFolderStableMs,
      });
      const hf = hotFolder;
      cleanups.push(() => hf.close());
      await hf.ready;
    }
    return {
      store,
      ports,
      controlToken: token,
      hotFolder,
      controlRoutes: registeredRoutes(app),
      sweep,
      stop: cleanup,
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

/** Where the control token of a data dir is. */
export const controlTokenPath = (dataDir: string) => join(dataDir, 'control-token');
