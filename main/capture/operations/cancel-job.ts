// Cancel-Job (RFC 8011 §4.3.3): only a job whose document is still to come can be canceled.
import type { OperationHandler } from './context.js';
import { findJob, ownerRefusal } from './job-lookup.js';

/** Handles Cancel-Job. */
export const cancelJob: OperationHandler = async (req, printer) => {
  const view = findJob(req, printer);
  if ('status' in view) return view;
  const refused = ownerRefusal(req, view);
  if (refused) return refused;
  const pending = printer.jobs.getPending(view.ippJobId);
  if (pending) {
    if (pending.state !== 'incoming' || pending.receiving) {
      return { status: 'client-error-not-possible', message: `Job ${view.ippJobId} cannot be canceled now.` };
    }
    printer.jobs.end(pending, 'canceled');
    return { status: 'successful-ok' };
  }
  // A stored job is a completed IPP job (see ippJobState): RFC 8011 §4.3.3 says it cannot be canceled.
  // The person deletes it from the spooler's job list instead.
  return {
    status: 'client-error-not-possible',
    message: `Job ${view.ippJobId} is already stored in the spooler; delete it from the spooler's job list.`,
  };
};
