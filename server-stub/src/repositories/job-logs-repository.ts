// Storage of what was printed: the job log and the numbers behind the usage reports.
import type { Database } from 'better-sqlite3';
import type { SpoolMode } from '../schemas/jobs.js';

/** One printed job as logged. */
export interface JobLog {
  id: string;
  organizationId: string;
  /** Null once the user was deleted (the name goes with it). */
  userId: string | null;
  /** The MFP that printed it; null once that device record is gone. */
  deviceId: string | null;
  jobId: string;
  name: string | null;
  /** The user's group when the job printed, or null. */
  userGroup: string | null;
  spool: SpoolMode;
  pages: number;
  sheets: number;
  color: boolean;
  duplex: boolean;
  printedAt: number;
}

interface JobLogRow {
  id: string;
  organization_id: string;
  user_id: string | null;
  device_id: string | null;
  job_id: string;
  name: string | null;
  user_group: string | null;
  spool: SpoolMode;
  pages: number;
  sheets: number;
  color: number;
  duplex: number;
  printed_at: number;
}

const toLog = (r: JobLogRow): JobLog => ({
  id: r.id,
  organizationId: r.organization_id,
  userId: r.user_id,
  deviceId: r.device_id,
  jobId: r.job_id,
  name: r.name,
  userGroup: r.user_group,
  spool: r.spool,
  pages: r.pages,
  sheets: r.sheets,
  color: r.color === 1,
  duplex: r.duplex === 1,
  printedAt: r.printed_at,
});

/** Totals of one group of a usage report. */
export interface UsageTotals {
  key: string | null;
  jobs: number;
  pages: number;
  colorPages: number;
  monoPages: number;
  duplexPages: number;
  sheets: number;
}

/** Job log storage over one SQLite connection. */
export type JobLogsRepository = ReturnType<typeof createJobLogsRepository>;

const TOTALS = `count(*) AS jobs, sum(pages) AS pages,
  sum(CASE WHEN color = 1 THEN pages ELSE 0 END) AS colorPages,
  sum(CASE WHEN color = 0 THEN pages ELSE 0 END) AS monoPages,
  sum(CASE WHEN duplex = 1 THEN pages ELSE 0 END) AS duplexPages,
  sum(sheets) AS sheets`;

/** Creates the job log repository. */
export function createJobLogsRepository(db: Database) {
  const insert =
    db.prepare(`INSERT INTO job_logs (id, organization_id, user_id, device_id, job_id, name, user_group,
      spool, pages, sheets, color, duplex, printed_at)
    VALUES (@id, @organizationId, @userId, @deviceId, @jobId, @name, @userGroup, @spool, @pages, @sheets, @color,
      @duplex, @printedAt)`);
  const byJob = db.prepare<[string], JobLogRow>('SELECT * FROM job_logs WHERE job_id = ?');
  const ofUser = db.prepare<[string, number, number], JobLogRow>(
    `SELECT * FROM job_logs WHERE user_id = ? AND printed_at >= ? AND printed_at < ?
     ORDER BY printed_at DESC, id LIMIT 5000`,
  );
  const pagesOfUser = db.prepare<[string, number, number], number | null>(
    'SELECT sum(pages) FROM job_logs WHERE user_id = ? AND printed_at >= ? AND printed_at < ?',
  );
  const byUser = db.prepare<[string, number, number], UsageTotals>(
    `SELECT user_id AS key, ${TOTALS} FROM job_logs
     WHERE organization_id = ? AND printed_at >= ? AND printed_at < ? GROUP BY user_id ORDER BY user_id`,
  );
  const byGroup = db.prepare<[string, number, number], UsageTotals>(
    `SELECT user_group AS key, ${TOTALS} FROM job_logs
     WHERE organization_id = ? AND printed_at >= ? AND printed_at < ? GROUP BY user_group ORDER BY user_group`,
  );
  const byDevice = db.prepare<[string, number, number], UsageTotals>(
    `SELECT device_id AS key, ${TOTALS} FROM job_logs
     WHERE organization_id = ? AND printed_at >= ? AND printed_at < ? GROUP BY device_id ORDER BY device_id`,
  );

  return {
    insert(log: JobLog): void {
      insert.run({ ...log, color: log.color ? 1 : 0, duplex: log.duplex ? 1 : 0 });
    },
    findByJob(jobId: string): JobLog | undefined {
      const row = byJob.get(jobId);
      return row && toLog(row);
    },
    /** A user's log in [from, to), newest first. */
    listOfUser(userId: string, from: number, to: number): JobLog[] {
      return ofUser.all(userId, from, to).map(toLog);
    },
    /** Pages a user printed in [from, to) (for the monthly quota). */
    pagesOfUser(userId: string, from: number, to: number): number {
      return pagesOfUser.pluck().get(userId, from, to) ?? 0;
    },
    /** An organization's totals in [from, to) per user (key: user id, null for deleted users). */
    totalsByUser(organizationId: string, from: number, to: number): UsageTotals[] {
      return byUser.all(organizationId, from, to);
    },
    /** An organization's totals in [from, to) per user group (key null: users in no group). */
    totalsByGroup(organizationId: string, from: number, to: number): UsageTotals[] {
      return byGroup.all(organizationId, from, to);
    },
    /** An organization's totals in [from, to) per printing device. */
    totalsByDevice(organizationId: string, from: number, to: number): UsageTotals[] {
      return byDevice.all(organizationId, from, to);
    },
  };
}
