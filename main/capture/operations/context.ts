// What every operation handler gets and returns (PAPPL's one-handler-per-operation shape).
import type { Readable } from 'node:stream';
import type { IppAttribute, IppGroup, IppMessage, StatusKeyword } from '../../ipp/index.js';
import type { Logger } from '../../log/logger.js';
import type { JobStore } from '../../spool/job-store.js';
import type { JobOptions } from '../../spool/job.js';
import type { AttributeBag } from '../ipp-values.js';
import type { IppJobTable } from '../ipp-jobs.js';
import type { PrinterFacts } from '../printer-attributes.js';

/** The printer's shared state. */
export interface PrinterContext {
  store: JobStore;
  jobs: IppJobTable;
  log: Logger;
  maxJobBytes: number;
  defaults: JobOptions;
  startedAt: number;
  /** Facts for printer attributes, for a printer URI as the client addressed it. */
  facts(uri: string): PrinterFacts;
  /** False while shutting down. */
  accepting(): boolean;
  /** The server id of the user logged in on this desktop at capture (the job's ownerId), or null. */
  ownerId(): string | null;
}

/** One decoded request. */
export interface IppRequest {
  message: IppMessage;
  /** Operation attributes. */
  op: AttributeBag;
  /** The job attributes group (template attributes), if any. */
  jobGroup: IppAttribute[];
  /** The document bytes that follow the attributes. */
  body: Readable;
  /** "requesting-user-name", or "anonymous". */
  user: string;
  /** Our printer URI as this client addressed it. */
  printerUri: string;
}

/** The answer of a handler. */
export interface IppReply {
  status: StatusKeyword;
  message?: string;
  /** Groups after the operation group (unsupported, job, printer). */
  groups?: IppGroup[];
}

/** A handler of one operation. */
export type OperationHandler = (request: IppRequest, printer: PrinterContext) => Promise<IppReply>;
