// The composition root of the spooler core: store, control API, virtual printer, MFP job server, hot folder,
// retention, in start/stop order.
import { hostname, userInfo } from 'node:os';
import { join } from 'node:path';
import { createControlApp, listenControl, registeredRoutes } from '../control/control-server.js';
import { createControlToken } from '../control/control-token.js';
import { createIppPrinter } from '../capture/ipp-printer.js';
import { createCloudHttpClient } from '../cloud/http-client.js';
import type { CloudHttpClient } from '../cloud/http-client.js';
import { mfpLocation, startJobOutbox } from '../cloud/job-outbox.js';
import type { JobOutbox, JobOutboxOptions } from '../cloud/job-outbox.js';
import { createJobsApi } from '../cloud/jobs-api.js';
import { startHotFolder } from '../hotfolder/hot-folder.js';
import type { HotFolder } from '../hotfolder/hot-folder.js';
import type { Logger } from '../log/logger.js';
import { createHostPolicy, hostForHeader } from '../mfp-server/announced-hosts.js';
import { createMfpServer } from '../mfp-server/mfp-server.js';
import { createTicketVerifier } from '../mfp-server/ticket.js';
import type { TrustProvider } from '../mfp-server/ticket.js';
import { loadOrCreateTlsIdentity } from '../mfp-server/tls-identity.js';
import type { FileSystem } from '../spool/file-system.js';
import { openJobStore } from '../spool/job-store.js';
import type { JobStore } from '../spool/job-store.js';
import { retentionReason } from '../spool/retention.js';
import { createDesktopSession } from '../session/desktop-session.js';
import type { DesktopSession, SessionTimers } from '../session/desktop-session.js';
import { openSecretStore } from '../session/secret-store.js';
import type { SecretStore } from '../session/secret-store.js';
import { openSettingsStore } from '../settings/settings-store.js';
import type { RetentionPolicy } from '../spool/retention.js';
import type { SpoolerConfig } from './config.js';
import { dataDirProblem, lockDataDir, prepareDataDir } from './data-dir.js';
import { VERSION } from './version.js';

/** A port could not be bound; the message names it and what to do. */
export class PortError extends Error {}

/** Listening addresses that mean "every interface". */
const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '']);

/** Says which listener could not bind, and what to do about it. */
function portError(what: string, flag: string, port: number, err: unknown, host = '127.0.0.1'): PortError {
  const code = (err as { code?: string }).code;
  return new PortError(
    code === 'EADDRINUSE'
      ? `Port ${port} (${what}) on ${host} is already in use: is another spooler running? Choose another with ${flag}.`
      : `The ${what} cannot listen on ${host}:${port} (${code ?? String(err)}).`,
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
  /** The MFP job server: what the server must be told for an MFP to reach it. */
  readonly mfp: {
    readonly scheme: 'https' | 'http';
    readonly port: number;
    /** SHA-256 of its certificate (lowercase hex) for the MFP to pin; null over plain HTTP. */
    readonly certSha256: string | null;
    /** The `host:port` values it answers to (the announced addresses). */
    hosts(): string[];
  };
  /** The desktop session with the cloud server; null when no server is configured (--server-url). */
  readonly session: DesktopSession | null;
  /** What the cloud server must still learn of the user's jobs; null when no server is configured. */
  readonly outbox: JobOutbox | null;
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
  deps: {
    fs?: FileSystem;
    now?: () => number;
    /** Who may fetch jobs on the MFP port; default the desktop session's trust (nobody while logged out). */
    mfpTrust?: TrustProvider;
    /** Replaces the OS keychain (tests: a memory store); default openSecretStore. */
    secrets?: SecretStore;
    /** Timers of the idle logout (tests: fakes driven by `now`). */
    sessionTimers?: SessionTimers;
    /** Timers, backoff and poll interval of the job outbox (tests). */
    outbox?: Pick<
      JobOutboxOptions,
      'timers' | 'random' | 'initialBackoffMs' | 'maxBackoffMs' | 'printedPollMs' | 'onStep'
    >;
  } = {},
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

    // The desktop session: only with a cloud server to log in to (the daemon fills in the embedded one's URL).
    let session: DesktopSession | null = null;
    let cloudHttp: CloudHttpClient | null = null;
    if (config.serverUrl !== null) {
      let warned = false;
      const secrets =
        deps.secrets ??
        (await openSecretStore({
          dataDir: config.dataDir,
          warn: (message) => {
            if (!warned) log.warn(message);
            warned = true;
          },
        }));
      const settings = await openSettingsStore({
        dataDir: config.dataDir,
        secrets,
        ...(deps.fs ? { fs: deps.fs } : {}),
      });
      const http = createCloudHttpClient({
        baseUrl: config.serverUrl,
        proxy: () => settings.resolveProxy(),
        log,
      });
      cleanups.push(() => http.close());
      const s = createDesktopSession({
        http,
        serverUrl: config.serverUrl,
        secrets,
        store,
        hostName: hostname(),
        log,
        now,
        ...(deps.sessionTimers ? { timers: deps.sessionTimers } : {}),
      });
      cleanups.push(async () => s.close());
      session = s;
      cloudHttp = http;
    }
    const ownerId = () => session?.currentUserId() ?? null;

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
      session,
      ownerId,
      ...(session ? { onActivity: () => session?.touch() } : {}),
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
      ownerId,
    });
    ports.ipp = await printer.listen(config.ippPort).catch((err: unknown) => {
      throw portError('virtual printer', '--ipp-port', config.ippPort, err);
    });
    cleanups.push(() => printer.close());

    // The certificate's dates follow real time, not the injected clock: MFPs check them against theirs.
    const tls = config.mfpInsecureHttp
      ? null
      : await loadOrCreateTlsIdentity(config.dataDir, {
          ...(deps.fs ? { fs: deps.fs } : {}),
          log: (m, meta) => log.warn(m, meta),
        }).catch((err: unknown) => {
          throw (err as { code?: string }).code ? dataDirProblem(config.dataDir, err) : err;
        });
    let mfpPort = 0;
    const hostPolicy = createHostPolicy({ entries: config.mfpHosts, port: () => mfpPort });
    const mfpServer = createMfpServer({
      store,
      log,
      tls,
      verifier: createTicketVerifier({
        getTrust: deps.mfpTrust ?? (() => session?.trust() ?? null),
        now,
      }),
      hosts: hostPolicy,
    });
    mfpPort = await mfpServer.listen(config.mfpPort, config.mfpHost).catch((err: unknown) => {
      throw portError('MFP job server', '--mfp-port', config.mfpPort, err, config.mfpHost);
    });
    ports.mfp = mfpPort;
    cleanups.push(() => mfpServer.close());
    if (!tls) log.warn('the MFP job server serves plain HTTP: documents cross the network unencrypted');

    // The job outbox: registers the logged-in user's jobs with the server (and uploads cloud-spooled ones).
    let outbox: JobOutbox | null = null;
    if (session && cloudHttp && config.serverUrl !== null) {
      const o = startJobOutbox({
        store,
        session,
        api: createJobsApi(cloudHttp, config.serverUrl),
        // A server bound to one address is reachable there only; a wildcard one at the announced addresses.
        location: () =>
          mfpLocation(
            mfpServer.scheme,
            WILDCARD_HOSTS.has(config.mfpHost)
              ? hostPolicy.hosts()
              : [`${hostForHeader(config.mfpHost)}:${mfpPort}`],
            mfpServer.certSha256,
          ),
        log,
        now,
        printedPollMs: config.serverPollSeconds * 1000,
        ...deps.outbox,
      });
      cleanups.push(() => o.stop());
      outbox = o;
    }

    let hotFolder: HotFolder | null = null;
    if (config.hotFolder !== null) {
      hotFolder = await startHotFolder({
        dir: config.hotFolder,
        store,
        log,
        maxBytes: config.maxJobBytes,
        owner: () => owner,
        ownerId,
        stableMs: config.hotFolderStableMs,
      });
      const hf = hotFolder;
      cleanups.push(() => hf.close());
      await hf.ready;
    }
    // A session kept in the keychain from before the restart resumes when the server still accepts it.
    if (session) await session.restore();
    return {
      store,
      ports,
      controlToken: token,
      hotFolder,
      session,
      outbox,
      controlRoutes: registeredRoutes(app),
      mfp: {
        scheme: mfpServer.scheme,
        port: mfpPort,
        certSha256: mfpServer.certSha256,
        hosts: () => hostPolicy.hosts(),
      },
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
