// The job's metadata file (`<id>.json`): what is stored beyond the public Job, and its strict parser.
// Recovery trusts nothing on disk: a record that does not parse exactly is moved aside as damaged.
import { JOB_STATES, isJobId } from './job.js';
import type { Job, JobOptions, JobState, WaitingState } from './job.js';

/** The on-disk form of a job. */
export interface JobRecord extends Job {
  v: 1;
  updatedAt: string;
  /** File name of the document inside the spool folder; always `<id>.pdf`. */
  document: string;
  /** The waiting state to return to if the process dies while `uploading` or `printing`. */
  previousState?: WaitingState;
  /** Why a job failed, for people reading logs and the UI. */
  reason?: string;
  /** Identity of the hot-folder file it came from, so a crash before the source was removed makes no duplicate. */
  source?: string;
  /** "job-id" on the virtual IPP printer, for jobs that arrived over IPP (stable across restarts). */
  ippJobId?: number;
  /**
   * The server's id of the user the job belongs to (set at login by the session module). `owner` is only a
   * display name from the application; this is what the MFP job server matches tickets against. A record
   * without it (older records, jobs captured while nobody was logged in) is unowned: never served to an MFP.
   */
  ownerId?: string;
  /**
   * The cloud server's confirmation that it knows the job (set by the job outbox, main/cloud/job-outbox.ts):
   * its job id, when it was registered and the spool mode registered. A local job with it is done in the
   * outbox; a cloud job with it still waits for its upload (it leaves the spool once the server holds it).
   * Records without it (older ones too) have not been registered yet.
   */
  server?: ServerRegistration;
}

/** See JobRecord.server. */
export interface ServerRegistration {
  jobId: string;
  registeredAt: string;
  spool: 'local' | 'cloud';
}

/** Longest server job id kept. */
export const MAX_SERVER_JOB_ID_LENGTH = 128;

/** Longest owner user id kept. */
export const MAX_OWNER_ID_LENGTH = 128;

/** Longest job name or owner kept (characters); longer input is refused at the edge, never cut silently here. */
export const MAX_NAME_LENGTH = 1024;

/** Largest metadata file recovery will read; anything bigger is damaged. */
export const MAX_RECORD_BYTES = 64 * 1024;

/** The public view of a record. */
export function toJob(r: JobRecord): Job {
  return {
    id: r.id,
    name: r.name,
    owner: r.owner,
    pages: r.pages,
    size: r.size,
    sha256: r.sha256,
    format: r.format,
    state: r.state,
    spool: r.spool,
    createdAt: r.createdAt,
    options: r.options,
  };
}

/** Why a metadata file was refused. */
export class RecordError extends Error {}

const SIDES = ['one-sided', 'two-sided-long-edge', 'two-sided-short-edge'];
const COLOR_MODES = ['auto', 'color', 'monochrome'];

function str(o: Record<string, unknown>, key: string, max = 4096): string {
  const v = o[key];
  if (typeof v !== 'string' || v.length > max) throw new RecordError(`field "${key}" is not a string`);
  return v;
}
function int(o: Record<string, unknown>, key: string, min: number): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min)
    throw new RecordError(`field "${key}" is not valid`);
  return v;
}
function date(o: Record<string, unknown>, key: string): string {
  const v = str(o, key, 64);
  if (Number.isNaN(Date.parse(v))) throw new RecordError(`field "${key}" is not a date`);
  return v;
}
function oneOf<T extends string>(o: Record<string, unknown>, key: string, allowed: readonly string[]): T {
  const v = str(o, key, 64);
  if (!allowed.includes(v)) throw new RecordError(`field "${key}" has an unknown value`);
  return v as T;
}

function parseOptions(v: unknown): JobOptions {
  if (typeof v !== 'object' || v === null) throw new RecordError('field "options" is missing');
  const o = v as Record<string, unknown>;
  return {
    copies: int(o, 'copies', 1),
    sides: oneOf(o, 'sides', SIDES),
    colorMode: oneOf(o, 'colorMode', COLOR_MODES),
    media: str(o, 'media', 256),
  };
}

function parseServer(v: unknown): ServerRegistration {
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new RecordError('field "server" is not valid');
  const o = v as Record<string, unknown>;
  const jobId = str(o, 'jobId', MAX_SERVER_JOB_ID_LENGTH);
  if (jobId === '') throw new RecordError('field "jobId" is empty');
  return { jobId, registeredAt: date(o, 'registeredAt'), spool: oneOf(o, 'spool', ['local', 'cloud']) };
}

/** Parses and validates a metadata file's text; throws RecordError on anything unexpected. */
export function parseRecord(text: string, expectedId: string): JobRecord {
  let o: unknown;
  try {
    o = JSON.parse(text);
  } catch {
    throw new RecordError('the metadata is not valid JSON (truncated?)');
  }
  if (typeof o !== 'object' || o === null || Array.isArray(o))
    throw new RecordError('the metadata is not an object');
  const r = o as Record<string, unknown>;
  if (r.v !== 1) throw new RecordError('unknown metadata version');
  const id = str(r, 'id', 64);
  if (!isJobId(id) || id !== expectedId) throw new RecordError('the id does not match the file name');
  const document = str(r, 'document', 256);
  if (document !== `${id}.pdf`)
    throw new RecordError(`the document path "${document}" is not inside the spool`);
  const sha256 = str(r, 'sha256', 64);
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new RecordError('field "sha256" is not a SHA-256');
  if (r.format !== 'application/pdf') throw new RecordError('field "format" is not application/pdf');
  const record: JobRecord = {
    v: 1,
    id,
    name: str(r, 'name', MAX_NAME_LENGTH),
    owner: str(r, 'owner', MAX_NAME_LENGTH),
    pages: int(r, 'pages', 0),
    size: int(r, 'size', 0),
    sha256,
    format: 'application/pdf',
    state: oneOf<JobState>(r, 'state', JOB_STATES),
    spool: oneOf(r, 'spool', ['local', 'cloud']),
    createdAt: date(r, 'createdAt'),
    updatedAt: date(r, 'updatedAt'),
    options: parseOptions(r.options),
    document,
  };
  if (r.previousState !== undefined)
    record.previousState = oneOf<WaitingState>(r, 'previousState', ['held', 'ready']);
  if (r.reason !== undefined) record.reason = str(r, 'reason', 4096);
  if (r.source !== undefined) record.source = str(r, 'source', 256);
  if (r.ippJobId !== undefined) record.ippJobId = int(r, 'ippJobId', 1);
  if (r.ownerId !== undefined) {
    record.ownerId = str(r, 'ownerId', MAX_OWNER_ID_LENGTH);
    if (record.ownerId === '') throw new RecordError('field "ownerId" is empty');
  }
  if (r.server !== undefined) record.server = parseServer(r.server);
  return record;
}
