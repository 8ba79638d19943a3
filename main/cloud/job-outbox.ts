// The job outbox (design flow 2): what the cloud server must learn about the logged-in user's jobs.
//
// - Durable without a file of its own: the outbox is the spool store itself. A job is in it while it is owned
//   by the logged-in user, waits (held/ready) and the server has not confirmed it: no `server` field in its
//   record (JobRecord.server), or a cloud registration whose document is not uploaded yet. The confirmation is
//   written into the job's metadata atomically like every other change, so a restart or kill -9 resumes where
//   it stopped, and a repeat is harmless: the server registers idempotently on (desktop, job id) and accepts
//   an upload again.
// - Local spool (policy spoolingMode 'local', the default): the job's metadata is registered with its location
//   on the MFP job server (`https://<announced address>:<port>`) and the certificate pin; the PDF stays here.
// - Cloud spool: registered with spool 'cloud', then the PDF is streamed from the spool file (memory flat);
//   only after the server answered 200 (it holds the whole document, size and SHA-256 checked) is the local
//   job removed from the spool (decision: removed, not kept as a document-less record; the server lists it,
//   and releases and retention of cloud jobs are the server's).
// - One job at a time, oldest first, only while someone is logged in. Server unreachable, 5xx, 429: retry
//   with exponential backoff (1 s doubling to 5 min, full jitter in [delay/2, delay]); another 4xx marks the job
//   `failed` with the server's message; 401: the session is gone, the outbox waits for the next login.
// - Printed and canceled: every 30 s while logged in it asks for the user's printed and canceled jobs and marks
//   the matching local jobs `printed` or `canceled` (retention then removes them). A job canceled at the server
//   while waiting here (held, ready, or failed because its upload was refused as canceled) becomes `canceled`;
//   one uploading or printing right now is left to the next poll, once that work has ended.
import type { Logger } from '../log/logger.js';
import type { DesktopSession, SessionCredentials } from '../session/desktop-session.js';
import { SpoolError } from '../spool/errors.js';
import type { JobRecord, ServerRegistration } from '../spool/job-record.js';
import type { JobState } from '../spool/job.js';
import type { JobStore } from '../spool/job-store.js';
import { JobsApiError } from './jobs-api.js';
import type { JobsApi, RegisterJob } from './jobs-api.js';

/** Timers the outbox waits with (tests inject fakes). */
export interface OutboxTimers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const realTimers: OutboxTimers = {
  set: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref();
    return t;
  },
  clear: (h) => clearTimeout(h as NodeJS.Timeout),
};

/** Steps the outbox reports (logs, tests). */
export type OutboxStep = 'registered' | 'uploaded' | 'failed' | 'retry' | 'printed' | 'canceled';

/** Where MFPs fetch this desktop's local jobs. */
export interface OutboxLocation {
  /** `https://host:port` (or http with --mfp-insecure-http), or null when no address is known. */
  url: string | null;
  certSha256: string | null;
}

/** What the outbox needs. */
export interface JobOutboxOptions {
  store: JobStore;
  session: Pick<DesktopSession, 'credentials' | 'onChange'>;
  api: JobsApi;
  location: () => OutboxLocation;
  log: Pick<Logger, 'info' | 'warn' | 'debug'>;
  now?: () => number;
  timers?: OutboxTimers;
  /** In [0, 1); default Math.random (the backoff's jitter). */
  random?: () => number;
  /** First retry delay; default 1 s. */
  initialBackoffMs?: number;
  /** Longest retry delay; default 5 min. */
  maxBackoffMs?: number;
  /** How often printed and canceled jobs are asked for; default 30 s. */
  printedPollMs?: number;
  /** Called after each step; an error it throws counts as a failed attempt (retried). */
  onStep?: (step: OutboxStep, jobId: string) => void | Promise<void>;
}

/** The running outbox. */
export interface JobOutbox {
  /** Looks for work now (unless waiting out a backoff). */
  kick(): void;
  /** Ids of the jobs waiting for the server, oldest first (for the logged-in user; empty when logged out). */
  pending(): string[];
  /** Asks the server for printed and canceled jobs now; returns how many local jobs became each. */
  poll(): Promise<PollResult>;
  /** Stops: cancels the request under way (it is repeated at the next start), clears timers. */
  stop(): Promise<void>;
}

/** Longest job name the server accepts. */
const MAX_SERVER_NAME = 255;

function serverName(name: string): string {
  const chars = [...name.trim()];
  const cut = chars.length > MAX_SERVER_NAME ? chars.slice(0, MAX_SERVER_NAME).join('') : chars.join('');
  return cut === '' ? 'untitled' : cut;
}

const isLoopback = (hostPort: string) => /^(127\.|\[::1\]|localhost(:|$))/i.test(hostPort);

/** The MFP job server's location from its announced `host:port` values: a LAN address first. */
export function mfpLocation(
  scheme: 'https' | 'http',
  hosts: readonly string[],
  certSha256: string | null,
): OutboxLocation {
  const host = hosts.find((h) => !isLoopback(h)) ?? hosts[0];
  return { url: host ? `${scheme}://${host}` : null, certSha256 };
}

type Outcome = 'next' | 'retry' | 'stop';

/** How many local jobs one poll marked. */
export interface PollResult {
  printed: number;
  canceled: number;
}

/** What the poll learns: the server state it asks for, and the local states that take it over. */
const FINISHED_AT_SERVER: ReadonlyArray<{ state: 'printed' | 'canceled'; from: ReadonlySet<JobState> }> = [
  // As before: whatever the job does here, the MFP printed it.
  { state: 'printed', from: new Set(['held', 'ready', 'uploading', 'printing', 'failed']) },
  // Not while uploading or printing: that work's end would overwrite the state (the next poll catches it).
  { state: 'canceled', from: new Set(['held', 'ready', 'failed']) },
];

/** Creates and starts the outbox; it works whenever the session is logged in. */
export function startJobOutbox(options: JobOutboxOptions): JobOutbox {
  const { store, session, api, log } = options;
  const now = options.now ?? Date.now;
  const timers = options.timers ?? realTimers;
  const random = options.random ?? Math.random;
  const initialBackoff = options.initialBackoffMs ?? 1000;
  const maxBackoff = options.maxBackoffMs ?? 300_000;
  const pollMs = options.printedPollMs ?? 30_000;

  let closed = false;
  let running: Promise<void> | null = null;
  let backoffTimer: unknown = null;
  let pollTimer: unknown = null;
  let attempt = 0;
  /** A session token the server refused: nothing is sent with it again (the next login brings another). */
  let refusedToken: string | null = null;
  let controller = new AbortController();
  let polling: Promise<PollResult> | null = null;

  const step = async (s: OutboxStep, id: string) => {
    await options.onStep?.(s, id);
  };

  function waiting(r: Readonly<JobRecord>, userId: string): boolean {
    return (
      r.ownerId === userId &&
      (r.state === 'held' || r.state === 'ready') &&
      (r.server === undefined || r.server.spool === 'cloud')
    );
  }

  function pendingFor(userId: string): Array<Readonly<JobRecord>> {
    return [...store.records()].filter((r) => waiting(r, userId)).sort((a, b) => (a.id < b.id ? -1 : 1));
  }

  function usable(): SessionCredentials | null {
    const c = session.credentials();
    return c && c.token !== refusedToken ? c : null;
  }

  async function register(r: Readonly<JobRecord>, c: SessionCredentials): Promise<ServerRegistration> {
    const spool = c.spoolingMode === 'cloud' ? 'cloud' : 'local';
    const body: RegisterJob = {
      clientJobId: r.id,
      spool,
      name: serverName(r.name),
      pages: r.pages,
      size: r.size,
      sha256: r.sha256,
      options: { ...r.options },
    };
    if (spool === 'local') {
      const where = options.location();
      if (!where.url)
        throw new JobsApiError('transient', 'This machine has no address an MFP could reach the job at yet.');
      body.location = where.url;
      if (where.certSha256) body.certSha256 = where.certSha256;
    }
    const job = await api.register(c, body, controller.signal);
    const server: ServerRegistration = {
      jobId: job.id,
      registeredAt: new Date(now()).toISOString(),
      spool: job.spool,
    };
    await store.setServer(r.id, server);
    log.info('job registered at the cloud server', { job: r.id, serverJob: job.id, spool: job.spool });
    await step('registered', r.id);
    return server;
  }

  async function upload(id: string, server: ServerRegistration, c: SessionCredentials): Promise<void> {
    const before = store.getRecord(id);
    if (!before) return;
    const back = before.state === 'held' || before.state === 'ready' ? before.state : 'held';
    await store.setState(id, 'uploading');
    try {
      // The open file itself, not a stream of it: the client reads it in large pieces (see jobs-api.ts).
      const document = await store.openDocument(id);
      try {
        const job = await api.upload(c, server.jobId, document, controller.signal);
        if (job.state !== 'ready')
          throw new JobsApiError(
            'transient',
            `The cloud server holds the upload as ${job.state}, not ready.`,
          );
      } finally {
        await document.handle.close().catch(() => undefined);
      }
    } catch (err) {
      await store.setState(id, back).catch(() => undefined);
      throw err;
    }
    // The server holds the whole document (size and SHA-256 checked): the local copy goes.
    await store.remove(id);
    log.info('job uploaded to the cloud server; the local copy is deleted', {
      job: id,
      serverJob: server.jobId,
    });
    await step('uploaded', id);
  }

  async function deliver(id: string, c: SessionCredentials): Promise<Outcome> {
    try {
      const r = store.getRecord(id);
      if (!r || !waiting(r, c.userId)) return 'next';
      const server = r.server ?? (await register(r, c));
      if (server.spool === 'cloud') await upload(id, server, c);
      return 'next';
    } catch (err) {
      if (closed || controller.signal.aborted) return 'stop';
      if (err instanceof JobsApiError) {
        if (err.kind === 'unauthorized') {
          refusedToken = c.token;
          log.warn('the cloud server refused the session: the outbox waits for the next login', {
            message: err.message,
          });
          return 'stop';
        }
        if (err.kind === 'refused') {
          log.warn('the cloud server refused a job; it is marked failed', { job: id, message: err.message });
          await store.setState(id, 'failed', err.message).catch(() => undefined);
          await step('failed', id).catch(() => undefined);
          return 'next';
        }
        log.warn('a job could not reach the cloud server; trying again later', {
          job: id,
          message: err.message,
        });
        await step('retry', id).catch(() => undefined);
        return 'retry';
      }
      if (err instanceof SpoolError) {
        if (err.code === 'not-found') return 'next'; // deleted meanwhile
        if (err.code === 'closed') return 'stop';
        if (err.code === 'document-unavailable') {
          log.warn('a job cannot be sent: its document is unreadable; it is marked failed', { job: id });
          await store.setState(id, 'failed', err.message).catch(() => undefined);
          await step('failed', id).catch(() => undefined);
          return 'next';
        }
      }
      log.warn('sending a job to the cloud server failed; trying again later', {
        job: id,
        message: (err as Error).message,
      });
      await step('retry', id).catch(() => undefined);
      return 'retry';
    }
  }

  function scheduleRetry(): void {
    const ceiling = Math.min(maxBackoff, initialBackoff * 2 ** Math.min(attempt, 30));
    attempt++;
    const delay = Math.round(ceiling / 2 + (random() * ceiling) / 2);
    log.debug('outbox retry scheduled', { ms: delay, attempt });
    backoffTimer = timers.set(() => {
      backoffTimer = null;
      kick();
    }, delay);
  }

  async function drain(): Promise<void> {
    while (!closed) {
      const c = usable();
      if (!c) return;
      const next = pendingFor(c.userId)[0];
      if (!next) return;
      const outcome = await deliver(next.id, c);
      if (outcome === 'stop') return;
      if (outcome === 'retry') {
        if (!closed && usable()) scheduleRetry();
        return;
      }
      attempt = 0;
    }
  }

  function kick(): void {
    if (closed || running || backoffTimer !== null) return;
    running = drain()
      .catch((err: unknown) =>
        log.warn('the job outbox stopped on an error', { message: (err as Error).message }),
      )
      .finally(() => {
        running = null;
      });
  }

  async function poll(): Promise<PollResult> {
    const marked: PollResult = { printed: 0, canceled: 0 };
    const c = usable();
    if (!c || closed) return marked;
    for (const { state, from } of FINISHED_AT_SERVER) {
      const jobs = await api.list(c.token, state, controller.signal);
      for (const job of jobs) {
        if (job.desktopId !== c.deviceId) continue;
        const r = store.getRecord(job.clientJobId);
        if (!r || r.ownerId !== c.userId || !from.has(r.state)) continue;
        try {
          await store.setState(r.id, state);
          marked[state]++;
          log.info(state === 'printed' ? 'job printed at an MFP' : 'job canceled at the cloud server', {
            job: r.id,
            serverJob: job.id,
          });
          await step(state, r.id);
        } catch (err) {
          if (!(err instanceof SpoolError && err.code === 'not-found'))
            log.warn(`a ${state} job could not be marked`, { job: r.id, message: (err as Error).message });
        }
      }
    }
    return marked;
  }

  function schedulePoll(): void {
    if (pollTimer !== null) timers.clear(pollTimer);
    pollTimer = null;
    if (closed || !session.credentials()) return;
    pollTimer = timers.set(() => {
      pollTimer = null;
      polling ??= poll()
        .catch((err: unknown) => {
          log.debug('printed and canceled jobs could not be read from the cloud server', {
            message: (err as Error).message,
          });
          return { printed: 0, canceled: 0 };
        })
        .finally(() => {
          polling = null;
          schedulePoll();
        });
    }, pollMs);
  }

  const onAdded = () => kick();
  store.on('added', onAdded);
  const unsubscribe = session.onChange(() => {
    // Login, restore or logout: whatever was under way belonged to the session before.
    controller.abort();
    controller = new AbortController();
    if (backoffTimer !== null) timers.clear(backoffTimer);
    backoffTimer = null;
    attempt = 0;
    schedulePoll();
    if (running) void running.then(kick);
    else kick();
  });
  kick();
  schedulePoll();

  return {
    kick,
    pending() {
      const c = session.credentials();
      return c ? pendingFor(c.userId).map((r) => r.id) : [];
    },
    poll,
    async stop() {
      if (closed) return;
      closed = true;
      unsubscribe();
      store.off('added', onAdded);
      controller.abort();
      if (backoffTimer !== null) timers.clear(backoffTimer);
      if (pollTimer !== null) timers.clear(pollTimer);
      backoffTimer = pollTimer = null;
      await running;
      await polling;
    },
  };
}
