// Get-Job-Attributes (RFC 8011 §4.3.4).
import { group } from '../../ipp/index.js';
import { jobAttributes, selectJobAttributes } from '../job-attributes.js';
import type { OperationHandler } from './context.js';
import { findJob } from './job-lookup.js';

/** Handles Get-Job-Attributes. */
export const getJobAttributes: OperationHandler = async (req, printer) => {
  const view = findJob(req, printer);
  if ('status' in view) return view;
  const requested = req.op.keywords('requested-attributes');
  return {
    status: 'successful-ok',
    groups: [
      group('job', selectJobAttributes(jobAttributes(view, req.printerUri, printer.startedAt), requested)),
    ],
  };
};
