// Get-Jobs (RFC 8011 §4.2.6): "which-jobs", "limit", "my-jobs", "requested-attributes".
import { ValueTag, group } from '../../ipp/index.js';
import { isNotCompleted, jobAttributes, selectJobAttributes } from '../job-attributes.js';
import type { OperationHandler } from './context.js';

const WHICH = ['not-completed', 'completed', 'all'];

/** Handles Get-Jobs. */
export const getJobs: OperationHandler = async (req, printer) => {
  const which = req.op.text('which-jobs', [ValueTag.keyword]) ?? 'not-completed';
  if (!WHICH.includes(which)) {
    return {
      status: 'client-error-attributes-or-values-not-supported',
      message: `which-jobs "${which}" is not supported.`,
    };
  }
  const limit = req.op.integer('limit');
  if (limit !== undefined && limit < 1)
    return { status: 'client-error-bad-request', message: 'limit must be 1 or more.' };
  const mine = req.op.boolean('my-jobs') ?? false;
  const requested = req.op.keywords('requested-attributes');
  const views = printer.jobs
    .views()
    .filter((v) => which === 'all' || (which === 'completed') !== isNotCompleted(v))
    .filter((v) => !mine || v.owner === req.user)
    .slice(0, limit ?? Number.MAX_SAFE_INTEGER);
  return {
    status: 'successful-ok',
    groups: views.map((v) =>
      group(
        'job',
        selectJobAttributes(jobAttributes(v, req.printerUri, printer.startedAt), requested, [
          'job-id',
          'job-uri',
        ]),
      ),
    ),
  };
};
