// Print-Job (RFC 8011 §4.2.1): the document arrives with the request and becomes a held spool job.
import { mediaPaper } from '../media.js';
import { IntakeError, intakeDocument } from '../document-intake.js';
import type { OperationHandler } from './context.js';
import { checkJobCreation, jobCreationReply } from './job-creation.js';

/** Handles Print-Job. */
export const printJob: OperationHandler = async (req, printer) => {
  const check = checkJobCreation(req, printer);
  if (!('name' in check)) return check;
  const ippJobId = printer.jobs.allocate();
  // Whoever is logged in when the document starts to arrive owns it (see desktop-session.ts).
  const ownerId = printer.ownerId();
  try {
    const job = await intakeDocument(printer.store, req.body, {
      format: check.format,
      compression: check.compression,
      maxBytes: printer.maxJobBytes,
      paper: mediaPaper(check.options.media ?? printer.defaults.media),
      job: {
        name: check.name,
        owner: req.user,
        options: check.options,
        ippJobId,
        ...(ownerId === null ? {} : { ownerId }),
      },
    });
    printer.jobs.bind(ippJobId, job.id);
    printer.log.info('job received over IPP', { job: job.id, ippJobId, pages: job.pages });
  } catch (err) {
    if (err instanceof IntakeError) return { status: err.status, message: err.message };
    throw err;
  }
  return jobCreationReply(req, printer, ippJobId, check.status, check.unsupported);
};
