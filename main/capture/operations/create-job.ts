// Create-Job (RFC 8011 §4.2.4): a job that waits for its document (Send-Document).
import type { OperationHandler } from './context.js';
import { checkJobCreation, jobCreationReply } from './job-creation.js';

/** Handles Create-Job. */
export const createJob: OperationHandler = async (req, printer) => {
  const check = checkJobCreation(req, printer);
  if (!('name' in check)) return check;
  const pending = printer.jobs.addPending({
    ippJobId: printer.jobs.allocate(),
    name: check.name,
    owner: req.user,
    options: check.options,
    createdAt: Date.now(),
  });
  return jobCreationReply(req, printer, pending.ippJobId, check.status, check.unsupported);
};
