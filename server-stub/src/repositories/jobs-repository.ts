// Storage of jobs waiting for release. The only module that writes SQL for jobs.
import type { Database } from 'better-sqlite3';
import type { JobOptions, JobState, SpoolMode } from '../schemas/jobs.js';

/** A job as stored. */
export interface StoredJob {
  id: string;
  organizationId: string;
  userId: string;
  desktopId: string;
  clientJobId: string;
  spool: SpoolMode;
  name: string;
  pages: number;
  size: number;
  sha256: string;
  options: JobOptions;
  /** Local spool: the desktop's 5571 base URL; cloud: null. */
  location: string | null;
  /** Local spool over HTTPS: the SHA-256 of the desktop's certificate, for the MFP to pin. */
  certSha256: string | null;
  state: JobState;
  createdAt: number;
  updatedAt: number;
  expiresAt: number;
}

interface JobRow {
  id: string;
  organization_id: string;
  user_id: string;
  desktop_id: string;
  client_job_id: string;
  spool: SpoolMode;
  name: string;
  pages: number;
  size: number;
  sha256: string;
  options: string;
  location: string | null;
  cert_sha256: string | null;
  state: JobState;
  created_at: number;
  updated_at: number;
  expires_at: number;
}

const toJob = (r: JobRow): StoredJob => ({
  id: r.id,
  organizationId: r.organization_id,
  userId: r.user_id,
  desktopId: r.desktop_id,
  clientJobId: r.client_job_id,
  spool: r.spool,
  name: r.name,
  pages: r.pages,
  size: r.size,
  sha256: r.sha256,
  options: JSON.parse(r.options) as JobOptions,
  location: r.location,
  certSha256: r.cert_sha256,
  state: r.state,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  expiresAt: r.expires_at,
});

/** Job storage over one SQLite connection. */
export type JobsRepository = ReturnType<typeof createJobsRepository>;

/** Creates the job repository. */
export function createJobsRepository(db: Database) {
  const byId = db.prepare<[string], JobRow>('SELECT * FROM jobs WHERE id = ?');
  const byClient = db.prepare<[string, string], JobRow>(
    'SELECT * FROM jobs WHERE desktop_id = ? AND client_job_id = ?',
  );
  const byUserClient = db.prepare<[string, string], JobRow>(
    'SELECT * FROM jobs WHERE user_id = ? AND client_job_id = ? ORDER BY created_at, id LIMIT 1',
  );
  const moveTo = db.prepare<[string, string | null, string | null, number, string]>(
    'UPDATE jobs SET desktop_id = ?, location = ?, cert_sha256 = ?, updated_at = ? WHERE id = ?',
  );
  const ofUser = db.prepare<[string], JobRow>(
    'SELECT * FROM jobs WHERE user_id = ? ORDER BY created_at DESC, id LIMIT 1000',
  );
  const ofUserInState = db.prepare<[string, JobState], JobRow>(
    'SELECT * FROM jobs WHERE user_id = ? AND state = ? ORDER BY created_at, id LIMIT 1000',
  );
  const expired = db.prepare<[number], JobRow>('SELECT * FROM jobs WHERE expires_at <= ? LIMIT 500');
  const insert = db.prepare(`INSERT INTO jobs (id, organization_id, user_id, desktop_id, client_job_id, spool,
      name, pages, size, sha256, options, location, cert_sha256, state, created_at, updated_at, expires_at)
    VALUES (@id, @organizationId, @userId, @desktopId, @clientJobId, @spool, @name, @pages, @size, @sha256,
      @options, @location, @certSha256, @state, @createdAt, @updatedAt, @expiresAt)`);
  const setState = db.prepare<[JobState, number, string, JobState]>(
    'UPDATE jobs SET state = ?, updated_at = ? WHERE id = ? AND state = ?',
  );
  const finish = db.prepare<[JobState, number, number, string, JobState]>(
    'UPDATE jobs SET state = ?, updated_at = ?, expires_at = ? WHERE id = ? AND state = ?',
  );
  const remove = db.prepare<[string]>('DELETE FROM jobs WHERE id = ?');

  return {
    findById(id: string): StoredJob | undefined {
      const row = byId.get(id);
      return row && toJob(row);
    },
    /** The job a desktop registered under its own id (the idempotency key), or undefined. */
    findByClientId(desktopId: string, clientJobId: string): StoredJob | undefined {
      const row = byClient.get(desktopId, clientJobId);
      return row && toJob(row);
    },
    /** The user's job registered under this desktop job id by any of her desktops, or undefined. */
    findOfUserByClientId(userId: string, clientJobId: string): StoredJob | undefined {
      const row = byUserClient.get(userId, clientJobId);
      return row && toJob(row);
    },
    /** Hands a job to another desktop of its owner, with where that desktop serves it (local spool). */
    moveToDesktop(
      id: string,
      desktopId: string,
      location: string | null,
      certSha256: string | null,
      at: number,
    ) {
      return moveTo.run(desktopId, location, certSha256, at, id).changes === 1;
    },
    /** A user's jobs, newest first (at most 1,000), optionally in one state. */
    listOfUser(userId: string, state?: JobState): StoredJob[] {
      return (state ? ofUserInState.all(userId, state) : ofUser.all(userId)).map(toJob);
    },
    /** Jobs whose retention time has come (a batch). */
    listExpired(at: number): StoredJob[] {
      return expired.all(at).map(toJob);
    },
    insert(job: StoredJob): void {
      insert.run({ ...job, options: JSON.stringify(job.options) });
    },
    /** Moves a job from one state to another; false when it was not in `from` (someone else moved it). */
    transition(id: string, from: JobState, to: JobState, at: number): boolean {
      return setState.run(to, at, id, from).changes === 1;
    },
    /** Like transition, and sets when the record goes (a finished job is kept briefly for its desktop). */
    finish(id: string, from: JobState, to: JobState, at: number, expiresAt: number): boolean {
      return finish.run(to, at, expiresAt, id, from).changes === 1;
    },
    delete(id: string): boolean {
      return remove.run(id).changes === 1;
    },
  };
}
