// A job as IPP describes it (RFC 8011 §5.3): the state follows the spool state.
import { attr } from '../ipp/index.js';
import type { IppAttribute } from '../ipp/index.js';
import type { JobState } from '../spool/job.js';

/** What the job attributes are built from: a stored job or one waiting for its document. */
export interface IppJobView {
  ippJobId: number;
  name: string;
  owner: string;
  /** The spool state, or "incoming" for a Create-Job still waiting for Send-Document, or an IPP end state. */
  state: JobState | 'incoming' | 'aborted';
  createdAt: number;
  pages: number;
  size: number;
  copies: number;
  sides: string;
  colorMode: string;
  media: string;
  reason?: string;
}

/**
 * IPP "job-state", "job-state-reasons" and "job-state-message" for a spool state.
 *
 * The virtual printer's own work is to capture the document: once the job is durable in the spool, the IPP
 * job is completed, whatever happens to it later at a multifunction printer. This is what keeps the OS print
 * queue moving: CUPS's ipp backend (and the Windows and macOS IPP clients) wait for a job to complete before
 * sending the next one, and a pull-print job may wait days for its release. The spool's later states still
 * show: canceled -> canceled, failed -> aborted, and the message says where the job stands.
 */
export function ippJobState(view: IppJobView): { state: number; reasons: string[]; message: string } {
  switch (view.state) {
    case 'incoming':
      return { state: 4, reasons: ['job-incoming'], message: 'Waiting for the document.' };
    case 'held':
    case 'ready':
    case 'uploading':
      return {
        state: 9,
        reasons: ['job-completed-successfully'],
        message: 'Stored in the spooler; release it at a printer.',
      };
    case 'printing':
      return { state: 9, reasons: ['job-completed-successfully'], message: 'Printing at a printer.' };
    case 'printed':
      return { state: 9, reasons: ['job-completed-successfully'], message: 'Printed.' };
    case 'canceled':
      return { state: 7, reasons: ['job-canceled-by-user'], message: 'Canceled.' };
    case 'failed':
    case 'aborted':
      return {
        state: 8,
        reasons: ['aborted-by-system'],
        message: view.reason ?? 'The job could not be kept.',
      };
  }
}

/** True when a job is still "not-completed" for Get-Jobs (pending, held, processing or stopped). */
export function isNotCompleted(view: IppJobView): boolean {
  return ippJobState(view).state < 7;
}

/** Every job attribute we report. */
export function jobAttributes(view: IppJobView, printerUri: string, upSince: number): IppAttribute[] {
  const s = ippJobState(view);
  const created = Math.max(1, Math.round((view.createdAt - upSince) / 1000));
  return [
    attr('job-id', 'integer', view.ippJobId),
    attr('job-uri', 'uri', `${printerUri}/${view.ippJobId}`),
    attr('job-printer-uri', 'uri', printerUri),
    attr('job-name', 'nameWithoutLanguage', view.name),
    attr('job-originating-user-name', 'nameWithoutLanguage', view.owner),
    attr('job-state', 'enum', s.state),
    attr('job-state-reasons', 'keyword', s.reasons[0] as string, ...s.reasons.slice(1)),
    attr('job-state-message', 'textWithoutLanguage', s.message),
    attr('number-of-documents', 'integer', view.state === 'incoming' ? 0 : 1),
    attr('job-k-octets', 'integer', Math.ceil(view.size / 1024)),
    attr('job-impressions', 'integer', view.pages),
    attr('job-printer-up-time', 'integer', Math.max(1, Math.round((Date.now() - upSince) / 1000))),
    attr('time-at-creation', 'integer', created),
    attr('time-at-processing', 'noValue'),
    attr('time-at-completed', 'noValue'),
    attr('date-time-at-creation', 'dateTime', new Date(view.createdAt)),
    attr('copies', 'integer', view.copies),
    attr('sides', 'keyword', view.sides),
    attr('print-color-mode', 'keyword', view.colorMode),
    attr('media', 'keyword', view.media),
  ];
}

const JOB_TEMPLATE = new Set(['copies', 'sides', 'print-color-mode', 'media']);

/** Picks the job attributes asked for; `fallback` when none were named (Get-Jobs: job-id and job-uri). */
export function selectJobAttributes(
  all: IppAttribute[],
  requested: string[] | undefined,
  fallback?: string[],
): IppAttribute[] {
  const names = requested ?? fallback;
  if (!names || names.includes('all')) return all;
  const want = new Set(names);
  const description = want.has('job-description');
  const template = want.has('job-template');
  return all.filter(
    (a) =>
      want.has(a.name) ||
      (template && JOB_TEMPLATE.has(a.name)) ||
      (description && !JOB_TEMPLATE.has(a.name)),
  );
}
