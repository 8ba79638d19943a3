// Jobs waiting for release: registration by the desktop (idempotent), cloud upload into the blob store,
// the owner's view, cancelation and the retention sweep. Only the owner ever sees a job (Table 2-1).
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { HttpError, notFound } from '../errors.js';
import type { Device } from '../repositories/devices-repository.js';
import type { JobLog, JobLogsRepository } from '../repositories/job-logs-repository.js';
import type { JobsRepository, StoredJob } from '../repositories/jobs-repository.js';
import type { User } from '../repositories/users-repository.js';
import type { JobState, PrintedReport, RegisterJobBody } from '../schemas/jobs.js';
import type { BlobStore } from '../storage/blob-store.js';
import { BlobError } from '../storage/blob-store.js';
import type { KeyedMutex } from './keyed-mutex.js';

/** How long a job may wait for release before retention removes it, per organization (ms). */
export type RetentionFor = (organizationId: string) => number;

/** The default wait: 7 days, the whitepaper-era default for unprinted jobs. */
export const DEFAULT_RETENTION_MS = 7 * 24 * 3600_000;

/** How long a printed or canceled job's record stays so its desktop can learn of it (ms). */
export const FINISHED_JOB_KEEP_MS = 24 * 3600_000;

const BLOB_STATUS: Record<BlobError['kind'], number> = {
  too_large: 413,
  size_mismatch: 400,
  hash_mismatch: 422,
  aborted: 400,
};

/** The job service. */
export type JobService = ReturnType<typeof createJobService>;

/** Creates the job service. */
export function createJobService(deps: {
  jobs: JobsRepository;
  logs: JobLogsRepository;
  /** Runs `fn` in one database transaction. */
  transaction: <T>(fn: () => T) => T;
  blobs: BlobStore;
  mutex: KeyedMutex;
  retentionFor?: RetentionFor;
  now: () => number;
}) {
  const { jobs, logs, blobs, mutex, transaction, now } = deps;
  const retentionFor = deps.retentionFor ?? (() => DEFAULT_RETENTION_MS);

  /** The caller's own job, else the one 404 (unknown and foreign ids alike). */
  function ownJob(user: User, id: string): StoredJob {
    const job = jobs.findById(id);
    if (!job || job.userId !== user.id) throw notFound('job');
    return job;
  }

  return {
    ownJob,

    /**
     * Registers a job; the same job again answers the stored job (created: false). The same job is the same
     * desktop job id of the same user: a desktop that registered itself anew (no keychain kept its device
     * token over a restart, so a kill -9 after a registration reached the server sends that job again from
     * the new device) gets its job back, moved to it, never a second copy.
     */
    register(user: User, desktop: Device, body: RegisterJobBody): { job: StoredJob; created: boolean } {
      return transaction(() => {
        const existing =
          jobs.findByClientId(desktop.id, body.clientJobId) ??
          jobs.findOfUserByClientId(user.id, body.clientJobId);
        if (existing) {
          if (existing.userId !== user.id || existing.sha256 !== body.sha256 || existing.size !== body.size) {
            throw new HttpError(
              409,
              'job_conflict',
              'This desktop already registered another document under this job id; give the job a new id.',
            );
          }
          if (existing.desktopId === desktop.id) return { job: existing, created: false };
          // MFP tickets name the job's desktop, and the desktop learns printed and canceled jobs by its id.
          const local = existing.spool === 'local';
          jobs.moveToDesktop(
            existing.id,
            desktop.id,
            local ? (body.location ?? existing.location) : null,
            local ? (body.location ? (body.certSha256 ?? null) : existing.certSha256) : null,
            now(),
          );
          return { job: jobs.findById(existing.id) ?? existing, created: false };
        }
        const at = now();
        const job: StoredJob = {
          id: randomUUID(),
          organizationId: user.organizationId,
          userId: user.id,
          desktopId: desktop.id,
          clientJobId: body.clientJobId,
          spool: body.spool,
          name: body.name,
          pages: body.pages,
          size: body.size,
          sha256: body.sha256,
          options: body.options,
          location: body.spool === 'local' ? (body.location ?? null) : null,
          certSha256: body.spool === 'local' ? (body.certSha256 ?? null) : null,
          state: body.spool === 'local' ? 'ready' : 'awaiting_upload',
          createdAt: at,
          updatedAt: at,
          expiresAt: at + retentionFor(user.organizationId),
        };
        jobs.insert(job);
        return { job, created: true };
      });
    },

    /**
     * Stores a cloud job's document. Uploads of one job run one after another; a repeated upload of a job
     * already stored is answered without reading the body again (the desktop may safely restart).
     */
    upload(user: User, id: string, body: Readable): Promise<StoredJob> {
      const job = ownJob(user, id);
      if (job.spool !== 'cloud') {
        throw new HttpError(409, 'not_cloud_job', 'This job is spooled on its desktop; nothing is uploaded.');
      }
      return mutex.run(job.id, async () => {
        const current = jobs.findById(job.id);
        if (!current) throw notFound('job');
        if (current.state === 'ready') return current;
        if (current.state !== 'awaiting_upload') {
          throw new HttpError(409, 'job_finished', `This job is ${current.state}; nothing more is uploaded.`);
        }
        try {
          await blobs.write(job.id, body, { size: job.size, sha256: job.sha256 });
        } catch (err) {
          if (err instanceof BlobError) throw new HttpError(BLOB_STATUS[err.kind], err.kind, err.message);
          throw err;
        }
        // The job may have been canceled while its bytes arrived: then the blob goes at once.
        if (!jobs.transition(job.id, 'awaiting_upload', 'ready', now())) await blobs.delete(job.id);
        return jobs.findById(job.id) ?? current;
      });
    },

    /** The caller's jobs, newest first. */
    list(user: User, state?: JobState): StoredJob[] {
      return jobs.listOfUser(user.id, state);
    },

    /** Cancels one of the caller's waiting jobs; its cloud document is deleted. */
    async cancel(user: User, id: string): Promise<StoredJob> {
      const job = ownJob(user, id);
      const from = job.state;
      const at = now();
      if (
        (from !== 'ready' && from !== 'awaiting_upload') ||
        !jobs.finish(job.id, from, 'canceled', at, at + FINISHED_JOB_KEEP_MS)
      ) {
        throw new HttpError(
          409,
          'job_finished',
          `This job is ${jobs.findById(job.id)?.state ?? 'gone'} already.`,
        );
      }
      if (job.spool === 'cloud') await blobs.delete(job.id);
      return jobs.findById(job.id) ?? job;
    },

    /** Deletes the cloud documents of these jobs (their records are gone already). */
    async deleteDocuments(jobIds: string[]): Promise<void> {
      for (const id of jobIds) await blobs.delete(id);
    },

    /** The stored document of a cloud job, or undefined when it is gone. */
    openDocument(job: StoredJob) {
      return blobs.open(job.id);
    },

    /** The owner's jobs an MFP may release now (ready), oldest first. */
    releasable(user: User): StoredJob[] {
      return jobs.listOfUser(user.id, 'ready').reverse();
    },

    /**
     * The MFP reports one of the user's jobs printed: the job log entry and the state change happen in one
     * transaction, then a cloud document is deleted. A repeated report of the same job answers the first log.
     */
    async markPrinted(user: User, mfp: Device, id: string, report: PrintedReport): Promise<JobLog> {
      const job = ownJob(user, id);
      const at = now();
      const log: JobLog = {
        id: randomUUID(),
        organizationId: job.organizationId,
        userId: user.id,
        deviceId: mfp.id,
        jobId: job.id,
        name: job.name,
        userGroup: user.group,
        spool: job.spool,
        pages: report.pages,
        sheets: report.sheets ?? (report.duplex ? Math.ceil(report.pages / 2) : report.pages),
        color: report.color,
        duplex: report.duplex,
        printedAt: at,
      };
      const done = transaction(() => {
        const earlier = logs.findByJob(job.id);
        if (earlier) return earlier;
        if (!jobs.finish(job.id, 'ready', 'printed', at, at + FINISHED_JOB_KEEP_MS)) {
          throw new HttpError(
            409,
            'job_not_ready',
            `This job is ${jobs.findById(job.id)?.state ?? 'gone'}; it cannot be printed.`,
          );
        }
        logs.insert(log);
        return log;
      });
      if (job.spool === 'cloud') await blobs.delete(job.id);
      return done;
    },

    /** Removes jobs whose time has come (documents first); returns how many went. */
    async sweep(): Promise<number> {
      let removed = 0;
      for (const job of jobs.listExpired(now())) {
        if (job.spool === 'cloud') await blobs.delete(job.id);
        if (jobs.delete(job.id)) removed++;
      }
      return removed;
    },
  };
}
