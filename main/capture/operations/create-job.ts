// Create-Job (RFC 8011 §4.2.4): a job that waits for its document (Send-Document).
import { group } from '../../ipp/index.js';
import { jobAttributes, selectJobAttributes } from '../job-attributes.js';
import type { OperationHandler } from './context.js';
import { checkJobCreation, unsupportedGroups } from './job-creation.js';
import { CREATION_ANSWER } from './print-job.js';

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
  const view = printer.jobs.view(pending.ippJobId);
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
