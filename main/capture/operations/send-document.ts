// Send-Document (RFC 8011 §4.3.1): the document of a Create-Job job. One document per job
// ("multiple-document-jobs-supported" is false); last-document=true without data closes the job.
import { mediaPaper } from '../media.js';
import { IntakeError, intakeDocument, peek } from '../document-intake.js';
import type { IppReply, OperationHandler } from './context.js';
import { checkDocumentAttributes, jobCreationReply } from './job-creation.js';
import { findJob, ownerRefusal } from './job-lookup.js';

/** Handles Send-Document. */
export const sendDocument: OperationHandler = async (req, printer) => {
  const view = findJob(req, printer);
  if ('status' in view) return view;
  const last = req.op.boolean('last-document');
  if (last === undefined) {
    return {
      status: 'client-error-bad-request',
      message: 'Send-Document needs the last-document attribute.',
    };
  }
  const refused = ownerRefusal(req, view);
  if (refused) return refused;
  const doc = checkDocumentAttributes(req);
  if ('status' in doc) return doc;
  const hasData = (await peek(req.body, 1)).length > 0;
  const answer = (): IppReply => jobCreationReply(req, printer, view.ippJobId, 'successful-ok');
  const pending = printer.jobs.getPending(view.ippJobId);
  if (!pending) {
    // The job already has its document (or is stored and done).
    if (hasData) {
      return {
        status: 'server-error-multiple-document-jobs-not-supported',
        message: 'This printer takes one document per job.',
      };
    }
    return answer();
  }
  if (pending.state !== 'incoming') {
    return { status: 'client-error-not-possible', message: `Job ${view.ippJobId} is ${pending.state}.` };
  }
  if (pending.receiving)
    return { status: 'server-error-busy', message: 'A document for this job is arriving.' };
  if (!hasData) {
    if (last) printer.jobs.end(pending, 'aborted', 'The job was closed without a document.');
    return answer();
  }
  pending.receiving = true;
  // Whoever is logged in when the document starts to arrive owns it (see desktop-session.ts).
  const ownerId = printer.ownerId();
  try {
    const job = await intakeDocument(printer.store, req.body, {
      format: doc.format,
      compression: doc.compression,
      maxBytes: printer.maxJobBytes,
      paper: mediaPaper(pending.options.media ?? printer.defaults.media),
      job: {
        name: pending.name,
        owner: pending.owner,
        options: pending.options,
        ippJobId: pending.ippJobId,
        ...(ownerId === null ? {} : { ownerId }),
      },
    });
    printer.jobs.bind(pending.ippJobId, job.id);
    printer.log.info('job received over IPP', { job: job.id, ippJobId: pending.ippJobId, pages: job.pages });
  } catch (err) {
    pending.receiving = false;
    if (err instanceof IntakeError) return { status: err.status, message: err.message };
    throw err;
  }
  return answer();
};
