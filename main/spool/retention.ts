// Retention: printed and canceled jobs go after a while, and so do jobs nobody ever printed.
import type { JobRecord } from './job-record.js';

/** How long jobs are kept. */
export interface RetentionPolicy {
  /** Printed or canceled jobs, counted from their last change (default 24 h). */
  doneMs: number;
  /** Jobs never printed (held, ready, failed), counted from their creation (default 7 days). */
  unprintedMs: number;
}

/** The defaults of the design: 24 hours and 7 days. */
export const DEFAULT_RETENTION: RetentionPolicy = { doneMs: 24 * 3600_000, unprintedMs: 7 * 24 * 3600_000 };

/** Why a record is due for deletion at `now`, or null when it stays. */
export function retentionReason(r: Readonly<JobRecord>, policy: RetentionPolicy, now: number): string | null {
  if (r.state === 'printed' || r.state === 'canceled') {
    return now - Date.parse(r.updatedAt) >= policy.doneMs ? `${r.state} and past the retention time` : null;
  }
  if (r.state === 'held' || r.state === 'ready' || r.state === 'failed') {
    return now - Date.parse(r.createdAt) >= policy.unprintedMs ? 'expired: never printed' : null;
  }
  return null; // uploading or printing: busy, never swept
}
