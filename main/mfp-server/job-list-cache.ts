// The encoded `GET /v1/jobs` answers, kept between requests. An MFP floor polls the same user's list over and
// over, and building it (filter, sort, JSON of every job) costs milliseconds at 1,000 jobs, so 16 MFPs queue
// behind each other (issue 5's p99). Every entry carries the store revision it was built at; any change to
// the spool (a job added, removed, changing state or owner) moves the revision, and the next request
// rebuilds, so a list is never served stale.
import { createHash } from 'node:crypto';
import type { JobStore } from '../spool/job-store.js';
import { toJob } from '../spool/job-record.js';
import { isVisibleTo } from './job-visibility.js';
import type { TicketGrant } from './ticket.js';

/** Lists kept at once: a few users per desktop, plus tickets limited to some jobs. */
const MAX_ENTRIES = 32;

/** One encoded list: the exact body bytes and their strong ETag. */
export interface EncodedJobList {
  body: Buffer;
  /** A quoted strong entity tag derived from the bytes (RFC 9110, 8.8.3). */
  etag: string;
}

/** Encoded lists by grant. */
export interface JobListCache {
  /** The list the grant may see, from the cache when the spool has not changed since it was built. */
  get(grant: TicketGrant): EncodedJobList;
}

/** The cache key of a grant: its user, and the job ids it is limited to (sorted), if any. */
function keyOf(grant: TicketGrant): string {
  return grant.jobs === null ? grant.sub : `${grant.sub}\n${[...grant.jobs].sort().join(',')}`;
}

/** Builds the list a grant sees now: `{ jobs: [Job] }`, newest first. */
export function encodeJobList(store: JobStore, grant: TicketGrant): EncodedJobList {
  const records = [...store.records()].filter((r) => isVisibleTo(r, grant));
  // Ids sort by creation time, so the newest first is the ids in descending order.
  records.sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  const body = Buffer.from(JSON.stringify({ jobs: records.map(toJob) }), 'utf8');
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
  return { body, etag };
}

/** Creates an empty cache over `store`. */
export function createJobListCache(store: JobStore): JobListCache {
  let revision = store.revision;
  const entries = new Map<string, EncodedJobList>();
  return {
    get(grant) {
      if (store.revision !== revision) {
        entries.clear();
        revision = store.revision;
      }
      const key = keyOf(grant);
      let entry = entries.get(key);
      if (!entry) {
        entry = encodeJobList(store, grant);
        // The oldest entry goes first (Map keeps insertion order).
        if (entries.size >= MAX_ENTRIES) entries.delete(entries.keys().next().value as string);
        entries.set(key, entry);
      }
      return entry;
    },
  };
}
