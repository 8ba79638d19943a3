// Steps the printer tests share: the requests a client makes most, and the checks after a refusal.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { GroupTag, attr } from '../../../main/ipp/index.js';
import type { IppAttribute } from '../../../main/ipp/index.js';
import type { Job } from '../../../main/spool/job.js';
import { call, ippRequest, messageOf, postHead, statusOf, valueOf } from './ipp-client.js';
import type { HttpOutcome } from './ipp-client.js';
import { strayFiles } from './test-printer.js';
import type { TestPrinter } from './test-printer.js';

/** "requesting-user-name" as a client sends it. */
export const user = (name: string) => attr('requesting-user-name', 'nameWithoutLanguage', name);
/** "document-format" application/pdf. */
export const pdfFormat = attr('document-format', 'mimeMediaType', 'application/pdf');

/** Print-Job of `pdf` by `owner`; returns the answer. */
export function printJob(
  p: TestPrinter,
  pdf: Buffer,
  owner = 'alice',
  extra: IppAttribute[] = [],
  job: IppAttribute[] = [],
) {
  return call(p.port, ippRequest('Print-Job', p.uri, [user(owner), pdfFormat, ...extra], { job }), pdf);
}

/** Create-Job by `owner`; returns the new job-id. */
export async function createJob(
  p: TestPrinter,
  owner = 'alice',
  extra: IppAttribute[] = [],
  job: IppAttribute[] = [],
) {
  const answer = await call(p.port, ippRequest('Create-Job', p.uri, [user(owner), ...extra], { job }));
  assert.equal(statusOf(answer), 'successful-ok', messageOf(answer));
  const id = valueOf(answer, 'job-id', GroupTag.job);
  assert.equal(typeof id, 'number');
  return id as number;
}

/** Send-Document of `document` to `jobId`; `last` null leaves last-document out. */
export function sendDocument(
  p: TestPrinter,
  jobId: number,
  document: Buffer,
  last: boolean | null,
  owner = 'alice',
) {
  return call(
    p.port,
    ippRequest('Send-Document', p.uri, [
      attr('job-id', 'integer', jobId),
      user(owner),
      pdfFormat,
      ...(last === null ? [] : [attr('last-document', 'boolean', last)]),
    ]),
    document,
  );
}

/** Get-Job-Attributes of `jobId`, with requested-attributes when given. */
export function jobAttributes(p: TestPrinter, jobId: number, requested?: string[]) {
  return call(
    p.port,
    ippRequest('Get-Job-Attributes', p.uri, [
      attr('job-id', 'integer', jobId),
      ...(requested
        ? [attr('requested-attributes', 'keyword', ...(requested as [string, ...string[]]))]
        : []),
    ]),
  );
}

/** The one job in the store (fails the test when there are more or none). */
export function onlyJob(p: TestPrinter): Job {
  const jobs = p.store.list(10).jobs;
  assert.equal(jobs.length, 1, `expected one job, found ${jobs.length}`);
  return jobs[0] as Job;
}

/** Checks the printer still answers a plain Get-Printer-Attributes and nothing is left in the spool. */
export async function assertStillServing(p: TestPrinter): Promise<void> {
  const answer = await call(p.port, ippRequest('Get-Printer-Attributes', p.uri));
  assert.equal(statusOf(answer), 'successful-ok');
  assert.deepEqual(strayFiles(p.spoolFiles()), [], 'no temp file in the spool');
}

/** Waits up to `ms` for the spool to hold no file at all. */
export async function spoolEmptyWithin(p: TestPrinter, ms: number): Promise<string[]> {
  const until = Date.now() + ms;
  while (p.spoolFiles().length > 0 && Date.now() < until) await sleep(50);
  return p.spoolFiles();
}

/** The outcome as an answer (fails the test when the connection closed instead). */
export function answerOf(outcome: HttpOutcome): Extract<HttpOutcome, { kind: 'answer' }> {
  assert.equal(outcome.kind, 'answer', 'an answer, not a closed connection');
  return outcome as Extract<HttpOutcome, { kind: 'answer' }>;
}

/** Sends a POST announcing `declared` document bytes, sends `sent` of them, then resets the connection. */
export async function dropMidDocument(
  p: TestPrinter,
  section: Buffer,
  declared: number,
  sent: number,
  doc?: Buffer,
) {
  const body = doc ?? randomBytes(declared);
  const socket = connect({ host: '127.0.0.1', port: p.port });
  socket.on('error', () => undefined);
  await new Promise((resolve) => socket.once('connect', resolve));
  socket.write(postHead(p.port, section.length + body.length));
  socket.write(section);
  socket.write(body.subarray(0, sent));
  await sleep(300);
  socket.destroy();
  // Long enough for the printer to see the reset and for any late error to surface inside this test.
  await sleep(1000);
}
