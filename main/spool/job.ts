// The Job: the one shape the control API, the MFP server and the UI agree on (design.md, "Job").
import { randomBytes } from 'node:crypto';

/** Every state a job can be in; IPP job-state is derived from it. */
export const JOB_STATES = [
  'held',
  'uploading',
  'ready',
  'printing',
  'printed',
  'failed',
  'canceled',
] as const;
/** A job's state. */
export type JobState = (typeof JOB_STATES)[number];

/** States a job waits in until someone releases it; `uploading` and `printing` return to one after a crash. */
export type WaitingState = 'held' | 'ready';

/** Where the document lives while it waits. */
export type SpoolMode = 'local' | 'cloud';

/** Print options requested by the application ("copies", "sides", "print-color-mode", "media"). */
export interface JobOptions {
  copies: number;
  sides: 'one-sided' | 'two-sided-long-edge' | 'two-sided-short-edge';
  colorMode: 'auto' | 'color' | 'monochrome';
  media: string;
}

/** A job as the control API answers it. */
export interface Job {
  id: string;
  name: string;
  owner: string;
  pages: number;
  size: number;
  sha256: string;
  format: 'application/pdf';
  state: JobState;
  spool: SpoolMode;
  createdAt: string;
  options: JobOptions;
}

/** The defaults a job gets when the submitter did not ask for anything. */
export const DEFAULT_JOB_OPTIONS: JobOptions = {
  copies: 1,
  sides: 'one-sided',
  colorMode: 'auto',
  media: 'iso_a4_210x297mm',
};

/** Job ids: 12 hex digits of milliseconds, 4 of a per-process counter, 16 random; sortable by creation. */
export const JOB_ID_PATTERN = '^[0-9a-f]{32}$';
const jobIdRe = new RegExp(JOB_ID_PATTERN);

/** True when `value` is a well-formed job id (nothing else may ever name a file in the spool). */
export function isJobId(value: unknown): value is string {
  return typeof value === 'string' && jobIdRe.test(value);
}

let lastMs = 0;
let counter = 0;

/** Creates a new job id, increasing within this process so that ids sort by creation. */
export function newJobId(now = Date.now()): string {
  if (now <= lastMs) {
    counter++;
    if (counter > 0xffff) {
      lastMs++;
      counter = 0;
    }
  } else {
    lastMs = now;
    counter = 0;
  }
  return (
    lastMs.toString(16).padStart(12, '0').slice(-12) +
    counter.toString(16).padStart(4, '0') +
    randomBytes(8).toString('hex')
  );
}
