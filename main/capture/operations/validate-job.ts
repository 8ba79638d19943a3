// Validate-Job (RFC 8011 §4.2.3): the checks of Print-Job, without a job.
import type { OperationHandler } from './context.js';
import { checkJobCreation, unsupportedGroups } from './job-creation.js';

/** Handles Validate-Job. */
export const validateJob: OperationHandler = async (req, printer) => {
  const check = checkJobCreation(req, printer);
  if (!('name' in check)) return check;
  return { status: check.status, groups: unsupportedGroups(check.unsupported) };
};
