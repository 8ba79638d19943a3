// Finding the job an operation names: "job-id" with "printer-uri", or "job-uri" (RFC 8011 §4.3.1), and
// checking that the requesting user owns it.
import { ValueTag } from '../../ipp/index.js';
import type { IppJobView } from '../job-attributes.js';
import type { IppReply, IppRequest, PrinterContext } from './context.js';

/** The job-id an operation targets, or a refusal. */
export function targetJobId(req: IppRequest): number | IppReply {
  const id = req.op.integer('job-id');
  if (id !== undefined) return id;
  const uri = req.op.text('job-uri', [ValueTag.uri]);
  const m = uri ? /\/ipp\/print\/(\d{1,10})$/.exec(uri) : null;
  if (m) return Number(m[1]);
  return {
    status: 'client-error-bad-request',
    message: 'Name the job with job-id (and printer-uri) or job-uri.',
  };
}

/** The job view, or not-found. */
export function findJob(req: IppRequest, printer: PrinterContext): IppJobView | IppReply {
  const id = targetJobId(req);
  if (typeof id !== 'number') return id;
  const view = printer.jobs.view(id);
  return view ?? { status: 'client-error-not-found', message: `There is no job ${id} on this printer.` };
}

/** Only the owner may change a job (RFC 8011 §4.3.3: the owner or an operator). */
export function ownerRefusal(req: IppRequest, view: IppJobView): IppReply | null {
  return req.user === view.owner
    ? null
    : { status: 'client-error-not-authorized', message: 'Only the user who printed the job may change it.' };
}
