// Which spool jobs an MFP may see with a ticket: the ticket subject's own jobs that wait for release on this
// desktop. A job nobody owns yet (captured while nobody was logged in, or from before owner ids existed) is
// never served, whatever the ticket says.
import type { JobState } from '../spool/job.js';
import type { JobRecord } from '../spool/job-record.js';
import type { TicketGrant } from './ticket.js';

/**
 * States an MFP may list and fetch: the two waiting states. `printing` jobs belong to a release already
 * under way, `printed`/`canceled` are done (a second fetch must not print twice), `failed` has no usable
 * document, `uploading` is leaving for the cloud.
 */
export const MFP_VISIBLE_STATES: readonly JobState[] = ['held', 'ready'];

/** True when the ticket's grant covers this job. */
export function isVisibleTo(record: Readonly<JobRecord>, grant: TicketGrant): boolean {
  return (
    record.ownerId !== undefined &&
    record.ownerId === grant.sub &&
    record.spool === 'local' &&
    MFP_VISIBLE_STATES.includes(record.state) &&
    (grant.jobs === null || grant.jobs.has(record.id))
  );
}
