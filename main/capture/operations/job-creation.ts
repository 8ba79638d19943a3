// What Print-Job, Validate-Job, Create-Job and Send-Document check before taking a job (RFC 8011 §4.2.1.2):
// format, compression, job template values and "ipp-attribute-fidelity".
import { ValueTag, attr, group } from '../../ipp/index.js';
import type { IppAttribute, IppGroup, StatusKeyword } from '../../ipp/index.js';
import { MAX_NAME_LENGTH } from '../../spool/job-record.js';
import type { JobOptions } from '../../spool/job.js';
import { NAME_TAGS } from '../ipp-values.js';
import { jobAttributes, selectJobAttributes } from '../job-attributes.js';
import { readJobTemplate } from '../job-template.js';
import { COMPRESSIONS, DOCUMENT_FORMATS } from '../printer-attributes.js';
import type { IppReply, IppRequest, PrinterContext } from './context.js';

/** A job the printer can take. */
export interface JobCreation {
  status: StatusKeyword;
  name: string;
  format: string;
  compression: string;
  options: Partial<JobOptions>;
  unsupported: IppAttribute[];
}

/** Cuts a name to what the spool keeps, at a character boundary. */
export function clampName(name: string): string {
  return [...name].slice(0, MAX_NAME_LENGTH).join('');
}

/** Checks the document attributes of a request (format and compression). */
export function checkDocumentAttributes(req: IppRequest): IppReply | { format: string; compression: string } {
  const format = req.op.text('document-format', [ValueTag.mimeMediaType]) ?? 'application/octet-stream';
  if (!(DOCUMENT_FORMATS as readonly string[]).includes(format.toLowerCase())) {
    return {
      status: 'client-error-document-format-not-supported',
      message: `Documents of type ${format} cannot be printed here; print as PDF.`,
      groups: [group('unsupported', [attr('document-format', 'mimeMediaType', format)])],
    };
  }
  const compression = req.op.text('compression', [ValueTag.keyword]) ?? 'none';
  if (!(COMPRESSIONS as readonly string[]).includes(compression)) {
    return {
      status: 'client-error-compression-not-supported',
      message: `Compression ${compression} is not supported; use gzip, deflate or none.`,
      groups: [group('unsupported', [attr('compression', 'keyword', compression)])],
    };
  }
  return { format: format.toLowerCase(), compression };
}

/** Runs every check of a job creation; a refusal is an IppReply. */
export function checkJobCreation(req: IppRequest, printer: PrinterContext): IppReply | JobCreation {
  if (!printer.accepting()) {
    return {
      status: 'server-error-not-accepting-jobs',
      message: 'The spooler is shutting down; try again soon.',
    };
  }
  const doc = checkDocumentAttributes(req);
  if ('status' in doc) return doc;
  const fidelity = req.op.boolean('ipp-attribute-fidelity') ?? false;
  const name =
    req.op.text('job-name', NAME_TAGS) ?? req.op.text('document-name', NAME_TAGS) ?? 'Untitled document';
  const { options, unsupported } = readJobTemplate(req.jobGroup);
  if (unsupported.length > 0 && fidelity) {
    return {
      status: 'client-error-attributes-or-values-not-supported',
      message: 'Some job attributes are not supported and ipp-attribute-fidelity was requested.',
      groups: [group('unsupported', unsupported)],
    };
  }
  return {
    status: unsupported.length > 0 ? 'successful-ok-ignored-or-substituted-attributes' : 'successful-ok',
    name: clampName(name),
    format: doc.format,
    compression: doc.compression,
    options,
    unsupported,
  };
}

/** The unsupported group, when there is something to report. */
export function unsupportedGroups(unsupported: IppAttribute[]): IppGroup[] {
  return unsupported.length > 0 ? [group('unsupported', unsupported)] : [];
}

/** The job attributes a job creation answers with (RFC 8011 §4.2.1.2). */
export const CREATION_ANSWER = ['job-id', 'job-uri', 'job-state', 'job-state-reasons', 'job-state-message'];

/** The answer to Print-Job, Create-Job and Send-Document: unsupported attributes, then the job's state. */
export function jobCreationReply(
  req: IppRequest,
  printer: PrinterContext,
  ippJobId: number,
  status: StatusKeyword,
  unsupported: IppAttribute[] = [],
): IppReply {
  const view = printer.jobs.view(ippJobId);
  const job = view
    ? [
        group(
          'job',
          selectJobAttributes(jobAttributes(view, req.printerUri, printer.startedAt), CREATION_ANSWER),
        ),
      ]
    : [];
  return { status, groups: [...unsupportedGroups(unsupported), ...job] };
}
