// The operation table: one handler per IPP operation (PAPPL's printer-ipp.c switch).
import { Operation } from '../../ipp/index.js';
import { cancelJob } from './cancel-job.js';
import type { OperationHandler } from './context.js';
import { createJob } from './create-job.js';
import { getJobAttributes } from './get-job-attributes.js';
import { getJobs } from './get-jobs.js';
import { getPrinterAttributes } from './get-printer-attributes.js';
import { printJob } from './print-job.js';
import { sendDocument } from './send-document.js';
import { validateJob } from './validate-job.js';

/** Handlers by operation id; anything else is server-error-operation-not-supported. */
export const OPERATIONS: ReadonlyMap<number, OperationHandler> = new Map([
  [Operation['Print-Job'], printJob],
  [Operation['Validate-Job'], validateJob],
  [Operation['Create-Job'], createJob],
  [Operation['Send-Document'], sendDocument],
  [Operation['Cancel-Job'], cancelJob],
  [Operation['Get-Job-Attributes'], getJobAttributes],
  [Operation['Get-Jobs'], getJobs],
  [Operation['Get-Printer-Attributes'], getPrinterAttributes],
]);
