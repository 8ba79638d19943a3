// Print-Job (RFC 8011 §4.2.1): the document arrives with the request and becomes a held spool job.
import { group } from '../../ipp/index.js';
import { mediaPaper } from '../media.js';
import { IntakeError, intakeDocument } from '../document-intake.js';
import { jobAttributes, selectJobAttributes } from '../job-attributes.js';
import type { OperationHandler } from './context.js';
import { checkJobCreation, unsupportedGroups } from './job-creation.js';

/** The job attributes a job creation answers with (RFC 8011 §4.2.1.2). */
export const CREATION_ANSWER = ['job-id', 'job-uri', 'job-state', 'job-state-reasons', 'job-state-message'];

/** Handles Print-Job. */
export const printJob: OperationHandler = async (req, printer) => {
  const check = checkJobCreation(req, printer);
  if (!('name' in check)) return check;
  const ippJobId = printer.jobs.allocate();
  try {
    const job = await intakeDocument(printer.store, req.body, {
      format: check.format,
      compression: check.compression,
      maxBytes: printer.maxJobBytes,
      paper: mediaPaper(check.options.media ?? printer.defaults.media),
      job: { name: check.name, owner: req.user, options: check.options, ippJobId },
    });
    printer.jobs.bind(ippJobId, job.id);
    printer.log.info('job received over IPP', { job: job.id, ippJobId, pages: job.pages });
  } catch (err) {
    if (err instanceof IntakeError) return { status: err.status, message: err.message };
    throw err;
  }
  const view = printer.jobs.view(ippJobId);
  return {
    status: check.status,
    groups: [
      ...unsupportedGroups(check.unsupported),
      ...(view
        ? [
            group(
              'job',
              selectJobAttributes(jobAttributes(view, req.printerUri, printer.startedAt), CREATION_ANSWER),
            ),
          ]
        : []),
    ],
  };
};
