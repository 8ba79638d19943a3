// The virtual printer's job operations over loopback HTTP (RFC 8011 §4.2.4-4.3.4): Create-Job and
// Send-Document, Cancel-Job, Get-Job-Attributes and Get-Jobs, and the IPP job states they report.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GroupTag, JobState, Operation, attr } from '../../../main/ipp/index.js';
import type { IppAttribute, IppMessage } from '../../../main/ipp/index.js';
import { makePdf, sha256 } from '../../helpers/pdf.js';
import { call, ippRequest, jobGroups, messageOf, statusOf, valueOf, valuesOf } from './ipp-client.js';
import { user, printJob, createJob, sendDocument, jobAttributes, onlyJob } from './printer-steps.js';
import { startTestPrinter, strayFiles } from './test-printer.js';

describe('virtual printer: Create-Job and Send-Document', () => {
  it('holds a created job as pending-held until Send-Document with last-document brings the PDF', async (t) => {
    const p = await startTestPrinter(t);
    const jobId = await createJob(
      p,
      'alice',
      [attr('job-name', 'nameWithoutLanguage', 'two steps')],
      [attr('copies', 'integer', 2), attr('print-color-mode', 'keyword', 'color')],
    );
    const before = await jobAttributes(p, jobId);
    assert.equal(valueOf(before, 'job-state', GroupTag.job), JobState['pending-held']);
    assert.deepEqual(valuesOf(before, 'job-state-reasons', GroupTag.job), ['job-incoming']);
    assert.equal(valueOf(before, 'number-of-documents', GroupTag.job), 0);
    assert.deepEqual(p.spoolFiles(), [], 'a created job has nothing on disk');

    const pdf = await makePdf(2);
    const sent = await sendDocument(p, jobId, pdf, true);
    assert.equal(statusOf(sent), 'successful-ok', messageOf(sent));
    assert.equal(valueOf(sent, 'job-id', GroupTag.job), jobId);
    assert.equal(valueOf(sent, 'job-state', GroupTag.job), JobState.completed);

    const job = onlyJob(p);
    assert.equal(job.name, 'two steps');
    assert.equal(job.owner, 'alice');
    assert.equal(job.sha256, sha256(pdf));
    assert.equal(job.pages, 2);
    assert.equal(job.options.copies, 2);
    assert.equal(job.options.colorMode, 'color');
    const after = await jobAttributes(p, jobId);
    assert.equal(valueOf(after, 'job-state', GroupTag.job), JobState.completed);
    assert.equal(valueOf(after, 'number-of-documents', GroupTag.job), 1);
  });

  it('stores the document of a last-document=false Send-Document, and closes the job on an empty last one', async (t) => {
    const p = await startTestPrinter(t);
    const jobId = await createJob(p);
    const pdf = await makePdf(1);
    const first = await sendDocument(p, jobId, pdf, false);
    assert.equal(statusOf(first), 'successful-ok', messageOf(first));
    const closing = await sendDocument(p, jobId, Buffer.alloc(0), true);
    assert.equal(statusOf(closing), 'successful-ok', messageOf(closing));
    assert.equal(valueOf(closing, 'job-state', GroupTag.job), JobState.completed);
    assert.equal(onlyJob(p).sha256, sha256(pdf));
  });

  it('aborts a created job closed by an empty last document', async (t) => {
    const p = await startTestPrinter(t);
    const jobId = await createJob(p);
    const closing = await sendDocument(p, jobId, Buffer.alloc(0), true);
    assert.equal(statusOf(closing), 'successful-ok');
    assert.equal(valueOf(await jobAttributes(p, jobId), 'job-state', GroupTag.job), JobState.aborted);
    assert.equal(p.store.size, 0);
  });

  it('refuses a Send-Document without last-document as a bad request, and keeps the job waiting', async (t) => {
    const p = await startTestPrinter(t);
    const jobId = await createJob(p);
    const answer = await sendDocument(p, jobId, await makePdf(1), null);
    assert.equal(statusOf(answer), 'client-error-bad-request');
    assert.match(messageOf(answer), /last-document/);
    assert.equal(p.store.size, 0);
    assert.deepEqual(p.spoolFiles(), []);
    assert.equal(valueOf(await jobAttributes(p, jobId), 'job-state', GroupTag.job), JobState['pending-held']);
  });

  it('refuses a second document with server-error-multiple-document-jobs-not-supported', async (t) => {
    const p = await startTestPrinter(t);
    const jobId = await createJob(p);
    const pdf = await makePdf(1);
    assert.equal(statusOf(await sendDocument(p, jobId, pdf, false)), 'successful-ok');
    const second = await sendDocument(p, jobId, await makePdf(2), true);
    assert.equal(statusOf(second), 'server-error-multiple-document-jobs-not-supported');
    assert.equal(onlyJob(p).sha256, sha256(pdf), 'the first document is the one kept');
    assert.deepEqual(strayFiles(p.spoolFiles()), []);
  });

  it("lets only the job's owner send its document", async (t) => {
    const p = await startTestPrinter(t);
    const jobId = await createJob(p, 'alice');
    const answer = await sendDocument(p, jobId, await makePdf(1), true, 'mallory');
    assert.equal(statusOf(answer), 'client-error-not-authorized');
    assert.equal(p.store.size, 0);
  });

  it('answers client-error-not-found for a Send-Document to a job that does not exist', async (t) => {
    const p = await startTestPrinter(t);
    const answer = await sendDocument(p, 4242, await makePdf(1), true);
    assert.equal(statusOf(answer), 'client-error-not-found');
    assert.equal(p.store.size, 0);
  });
});

describe('virtual printer: Cancel-Job', () => {
  it('cancels a created job, which then reads as canceled and takes no document', async (t) => {
    const p = await startTestPrinter(t);
    const jobId = await createJob(p, 'alice');
    const cancel = await call(
      p.port,
      ippRequest('Cancel-Job', p.uri, [attr('job-id', 'integer', jobId), user('alice')]),
    );
    assert.equal(statusOf(cancel), 'successful-ok', messageOf(cancel));
    const after = await jobAttributes(p, jobId);
    assert.equal(valueOf(after, 'job-state', GroupTag.job), JobState.canceled);
    assert.deepEqual(valuesOf(after, 'job-state-reasons', GroupTag.job), ['job-canceled-by-user']);
    const late = await sendDocument(p, jobId, await makePdf(1), true);
    assert.equal(statusOf(late), 'client-error-not-possible');
    assert.equal(p.store.size, 0);
  });

  it("refuses to cancel another user's job, a stored job, and a job that does not exist", async (t) => {
    const p = await startTestPrinter(t);
    const created = await createJob(p, 'alice');
    const cancel = (id: number, who: string) =>
      call(p.port, ippRequest('Cancel-Job', p.uri, [attr('job-id', 'integer', id), user(who)]));
    assert.equal(statusOf(await cancel(created, 'mallory')), 'client-error-not-authorized');
    const stored = valueOf(await printJob(p, await makePdf(1), 'alice'), 'job-id', GroupTag.job) as number;
    assert.equal(statusOf(await cancel(stored, 'alice')), 'client-error-not-possible');
    assert.equal(p.store.size, 1, 'the stored job is still there');
    assert.equal(statusOf(await cancel(999, 'alice')), 'client-error-not-found');
    assert.equal(
      valueOf(await jobAttributes(p, created), 'job-state', GroupTag.job),
      JobState['pending-held'],
      'the refused cancels changed nothing',
    );
  });
});

describe('virtual printer: Get-Job-Attributes and Get-Jobs', () => {
  it('answers every job attribute, or only the requested ones', async (t) => {
    const p = await startTestPrinter(t);
    const pdf = await makePdf(4);
    const jobId = valueOf(
      await printJob(
        p,
        pdf,
        'alice',
        [attr('job-name', 'nameWithoutLanguage', 'attrs')],
        [attr('sides', 'keyword', 'two-sided-short-edge')],
      ),
      'job-id',
      GroupTag.job,
    ) as number;
    const all = await jobAttributes(p, jobId);
    assert.equal(statusOf(all), 'successful-ok');
    const job = jobGroups(all)[0];
    assert.ok(job);
    assert.equal(job.get('job-id'), jobId);
    assert.equal(job.get('job-uri'), `${p.uri}/${jobId}`);
    assert.equal(job.get('job-printer-uri'), p.uri);
    assert.equal(job.get('job-name'), 'attrs');
    assert.equal(job.get('job-originating-user-name'), 'alice');
    assert.equal(job.get('job-state'), JobState.completed);
    assert.equal(job.get('job-impressions'), 4);
    assert.equal(job.get('job-k-octets'), Math.ceil(pdf.length / 1024));
    assert.equal(job.get('sides'), 'two-sided-short-edge');

    const some = await jobAttributes(p, jobId, ['job-state', 'job-name']);
    assert.deepEqual(
      jobGroups(some).map((g) => [...g.keys()].sort()),
      [['job-name', 'job-state']],
    );
    const template = await jobAttributes(p, jobId, ['job-template']);
    assert.deepEqual([...(jobGroups(template)[0]?.keys() ?? [])].sort(), [
      'copies',
      'media',
      'print-color-mode',
      'sides',
    ]);
  });

  it("finds a job by job-uri alone, posted to the job's own URI", async (t) => {
    const p = await startTestPrinter(t);
    const jobId = await createJob(p);
    const message: IppMessage = {
      version: { major: 1, minor: 1 },
      operationIdOrStatus: Operation['Get-Job-Attributes'],
      requestId: 77,
      groups: [
        {
          tag: GroupTag.operation,
          attributes: [
            attr('attributes-charset', 'charset', 'utf-8'),
            attr('attributes-natural-language', 'naturalLanguage', 'en'),
            attr('job-uri', 'uri', `${p.uri}/${jobId}`),
          ],
        },
      ],
    };
    const answer = await call(p.port, message, Buffer.alloc(0), { path: `/ipp/print/${jobId}` });
    assert.equal(statusOf(answer), 'successful-ok', messageOf(answer));
    assert.deepEqual(answer.version, { major: 1, minor: 1 }, 'an IPP/1.1 request is answered in 1.1');
    assert.equal(valueOf(answer, 'job-id', GroupTag.job), jobId);
  });

  it('answers client-error-not-found for a job that does not exist, and bad-request without a job', async (t) => {
    const p = await startTestPrinter(t);
    assert.equal(statusOf(await jobAttributes(p, 12345)), 'client-error-not-found');
    const none = await call(p.port, ippRequest('Get-Job-Attributes', p.uri));
    assert.equal(statusOf(none), 'client-error-bad-request');
  });

  it('lists jobs by which-jobs, my-jobs and limit, newest first, with the requested attributes', async (t) => {
    const p = await startTestPrinter(t);
    const pdf = await makePdf(1);
    const first = valueOf(await printJob(p, pdf, 'alice'), 'job-id', GroupTag.job) as number;
    const second = valueOf(await printJob(p, pdf, 'alice'), 'job-id', GroupTag.job) as number;
    const waiting = await createJob(p, 'bob');
    const getJobs = async (operation: IppAttribute[]) => {
      const answer = await call(p.port, ippRequest('Get-Jobs', p.uri, operation));
      assert.equal(statusOf(answer), 'successful-ok', messageOf(answer));
      return jobGroups(answer);
    };
    const ids = (groups: Array<Map<string, unknown>>) => groups.map((g) => g.get('job-id'));
    const which = (w: string) => attr('which-jobs', 'keyword', w);

    assert.deepEqual(ids(await getJobs([])), [waiting], 'not-completed by default: the created job');
    assert.deepEqual(ids(await getJobs([which('completed')])), [second, first]);
    assert.deepEqual(ids(await getJobs([which('all')])), [waiting, second, first]);
    assert.deepEqual(ids(await getJobs([which('all'), user('alice'), attr('my-jobs', 'boolean', true)])), [
      second,
      first,
    ]);
    assert.deepEqual(ids(await getJobs([which('all'), user('bob'), attr('my-jobs', 'boolean', true)])), [
      waiting,
    ]);
    assert.deepEqual(ids(await getJobs([which('all'), attr('limit', 'integer', 2)])), [waiting, second]);

    const plain = await getJobs([which('all')]);
    assert.deepEqual(
      plain.map((g) => [...g.keys()].sort()),
      [0, 1, 2].map(() => ['job-id', 'job-uri']),
      'job-id and job-uri when nothing is requested (RFC 8011 §4.2.6.1)',
    );
    const requested = await getJobs([
      which('all'),
      attr('requested-attributes', 'keyword', 'job-id', 'job-state', 'job-originating-user-name'),
    ]);
    assert.deepEqual(
      requested.map((g) => [g.get('job-id'), g.get('job-state'), g.get('job-originating-user-name')]),
      [
        [waiting, JobState['pending-held'], 'bob'],
        [second, JobState.completed, 'alice'],
        [first, JobState.completed, 'alice'],
      ],
    );
    assert.ok(requested.every((g) => g.size === 3));
  });

  it('refuses an unknown which-jobs and a limit under 1', async (t) => {
    const p = await startTestPrinter(t);
    const bogus = await call(
      p.port,
      ippRequest('Get-Jobs', p.uri, [attr('which-jobs', 'keyword', 'aborted-ish')]),
    );
    assert.equal(statusOf(bogus), 'client-error-attributes-or-values-not-supported');
    const zero = await call(p.port, ippRequest('Get-Jobs', p.uri, [attr('limit', 'integer', 0)]));
    assert.equal(statusOf(zero), 'client-error-bad-request');
  });
});
