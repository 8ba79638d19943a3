// The virtual printer's job creation over loopback HTTP (RFC 8011 §4.2.1-4.2.3): Print-Job and Validate-Job,
// what a client sends, what it is answered and what lands in the spool; and the operations it does not have.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { GroupTag, JobState, Operation, attr, encode, findAttribute } from '../../../main/ipp/index.js';
import type { Job } from '../../../main/spool/job.js';
import { makePdf, sha256 } from '../../helpers/pdf.js';
import { call, ippRequest, messageOf, post, postIpp, statusOf, valueOf, valuesOf } from './ipp-client.js';
import { user, pdfFormat, printJob, onlyJob } from './printer-steps.js';
import { startTestPrinter, strayFiles } from './test-printer.js';

describe('virtual printer: Print-Job', () => {
  it('stores a PDF byte-identical, with its name, owner, options and page count', async (t) => {
    const p = await startTestPrinter(t);
    const pdf = await makePdf(3, { title: 'quarterly' });
    const answer = await printJob(
      p,
      pdf,
      'alice',
      [attr('job-name', 'nameWithoutLanguage', 'Quarterly report')],
      [
        attr('copies', 'integer', 3),
        attr('sides', 'keyword', 'two-sided-long-edge'),
        attr('print-color-mode', 'keyword', 'monochrome'),
        attr('media', 'keyword', 'na_letter_8.5x11in'),
      ],
    );
    assert.equal(statusOf(answer), 'successful-ok', messageOf(answer));
    const jobId = valueOf(answer, 'job-id', GroupTag.job);
    assert.ok(typeof jobId === 'number' && jobId >= 1);
    assert.equal(valueOf(answer, 'job-uri', GroupTag.job), `${p.uri}/${jobId}`);
    assert.equal(valueOf(answer, 'job-state', GroupTag.job), JobState.completed);
    assert.deepEqual(valuesOf(answer, 'job-state-reasons', GroupTag.job), ['job-completed-successfully']);

    const job = onlyJob(p);
    assert.equal(job.name, 'Quarterly report');
    assert.equal(job.owner, 'alice');
    assert.equal(job.pages, 3);
    assert.equal(job.size, pdf.length);
    assert.equal(job.sha256, sha256(pdf));
    assert.deepEqual(job.options, {
      copies: 3,
      sides: 'two-sided-long-edge',
      colorMode: 'monochrome',
      media: 'na_letter_8.5x11in',
    });
    assert.equal(p.store.getRecord(job.id)?.ippJobId, jobId);
    assert.equal(sha256(readFileSync(join(p.dataDir, 'spool', `${job.id}.pdf`))), sha256(pdf));
    assert.deepEqual(p.spoolFiles(), [`${job.id}.json`, `${job.id}.pdf`]);
  });

  it('names the job after document-name when there is no job-name, and after nothing as "Untitled document"', async (t) => {
    const p = await startTestPrinter(t);
    const pdf = await makePdf(1);
    await printJob(p, pdf, 'bob', [attr('document-name', 'nameWithoutLanguage', 'invoice-42.pdf')]);
    await printJob(p, pdf, 'bob');
    const names = p.store
      .list(10)
      .jobs.map((j) => j.name)
      .sort();
    assert.deepEqual(names, ['Untitled document', 'invoice-42.pdf']);
  });

  it('takes job-name over document-name, and a job-name with language as its text', async (t) => {
    const p = await startTestPrinter(t);
    await printJob(p, await makePdf(1), 'carol', [
      attr('job-name', 'nameWithLanguage', { lang: 'fr', text: 'Facture de mars' }),
      attr('document-name', 'nameWithoutLanguage', 'ignored.pdf'),
    ]);
    assert.equal(onlyJob(p).name, 'Facture de mars');
  });

  it('gives the job to "anonymous" when there is no requesting-user-name, with the default options', async (t) => {
    const p = await startTestPrinter(t);
    const answer = await call(p.port, ippRequest('Print-Job', p.uri, [pdfFormat]), await makePdf(1));
    assert.equal(statusOf(answer), 'successful-ok');
    const job = onlyJob(p);
    assert.equal(job.owner, 'anonymous');
    assert.deepEqual(job.options, {
      copies: 1,
      sides: 'one-sided',
      colorMode: 'auto',
      media: 'iso_a4_210x297mm',
    });
  });

  it('reads the media of a media-col and bi-level colour as monochrome', async (t) => {
    const p = await startTestPrinter(t);
    await printJob(
      p,
      await makePdf(1),
      'dave',
      [],
      [
        attr('media-col', 'collection', [
          attr('media-size', 'collection', [
            attr('x-dimension', 'integer', 29700),
            attr('y-dimension', 'integer', 42000),
          ]),
        ]),
        attr('print-color-mode', 'keyword', 'bi-level'),
      ],
    );
    const job = onlyJob(p);
    assert.equal(job.options.media, 'iso_a3_297x420mm');
    assert.equal(job.options.colorMode, 'monochrome');
  });

  it('reports job template values it cannot honour, and refuses them under ipp-attribute-fidelity', async (t) => {
    const p = await startTestPrinter(t);
    const pdf = await makePdf(1);
    const copies = attr('copies', 'integer', 5000);
    const lenient = await printJob(p, pdf, 'erin', [], [copies]);
    assert.equal(statusOf(lenient), 'successful-ok-ignored-or-substituted-attributes');
    assert.deepEqual(findAttribute(lenient, 'copies', GroupTag.unsupported), copies);
    assert.equal(onlyJob(p).options.copies, 1);

    const strict = await printJob(
      p,
      pdf,
      'erin',
      [attr('ipp-attribute-fidelity', 'boolean', true)],
      [copies],
    );
    assert.equal(statusOf(strict), 'client-error-attributes-or-values-not-supported');
    assert.equal(p.store.size, 1, 'the refused job was not stored');
  });

  it('announces the job on the store\'s "added" event once both files are durable, before answering', async (t) => {
    const p = await startTestPrinter(t);
    const pdf = await makePdf(2);
    let answered = false;
    const seen: Array<{
      job: Job;
      files: string[];
      answered: boolean;
      pdfThere: boolean;
      jsonThere: boolean;
    }> = [];
    p.store.on('added', (job) => {
      seen.push({
        job,
        files: p.spoolFiles(),
        answered,
        pdfThere: existsSync(join(p.dataDir, 'spool', `${job.id}.pdf`)),
        jsonThere: existsSync(join(p.dataDir, 'spool', `${job.id}.json`)),
      });
    });
    const answer = await printJob(p, pdf, 'alice', [attr('job-name', 'nameWithoutLanguage', 'announced')]);
    answered = true;
    assert.equal(statusOf(answer), 'successful-ok');
    assert.equal(seen.length, 1, 'one added event');
    const event = seen[0];
    assert.ok(event);
    assert.equal(event.answered, false, 'the event came before the IPP answer');
    assert.ok(event.pdfThere && event.jsonThere, 'both files were in place when the event fired');
    assert.deepEqual(strayFiles(event.files), [], 'no temp file was left when the event fired');
    assert.equal(event.job.name, 'announced');
    assert.equal(event.job.sha256, sha256(pdf));
    assert.equal(event.job.pages, 2);
  });

  it('accepts a Print-Job that the ipp npm package encoded, as an independent client', async (t) => {
    const p = await startTestPrinter(t);
    const ipp = createRequire(import.meta.url)('ipp') as { serialize(m: Record<string, unknown>): Buffer };
    const pdf = await makePdf(2);
    const wire = ipp.serialize({
      operation: 'Print-Job',
      id: 314,
      'operation-attributes-tag': {
        'attributes-charset': 'utf-8',
        'attributes-natural-language': 'en',
        'printer-uri': p.uri,
        'requesting-user-name': 'interop',
        'job-name': 'from the ipp package',
        'document-format': 'application/pdf',
      },
      'job-attributes-tag': { copies: 2, sides: 'two-sided-short-edge' },
      data: pdf,
    });
    const answer = await postIpp(p.port, wire);
    assert.equal(answer.requestId, 314);
    assert.equal(statusOf(answer), 'successful-ok', messageOf(answer));
    const job = onlyJob(p);
    assert.equal(job.name, 'from the ipp package');
    assert.equal(job.owner, 'interop');
    assert.equal(job.sha256, sha256(pdf));
    assert.deepEqual([job.options.copies, job.options.sides], [2, 'two-sided-short-edge']);
  });
});

describe('virtual printer: Validate-Job', () => {
  it('answers successful-ok for a job it would take, and stores nothing', async (t) => {
    const p = await startTestPrinter(t);
    const answer = await call(
      p.port,
      ippRequest('Validate-Job', p.uri, [user('alice'), pdfFormat], { job: [attr('copies', 'integer', 2)] }),
    );
    assert.equal(statusOf(answer), 'successful-ok', messageOf(answer));
    assert.equal(p.store.size, 0);
    assert.deepEqual(p.spoolFiles(), []);
  });

  it('refuses a format it cannot print and reports unsupported values', async (t) => {
    const p = await startTestPrinter(t);
    const text = await call(
      p.port,
      ippRequest('Validate-Job', p.uri, [attr('document-format', 'mimeMediaType', 'text/plain')]),
    );
    assert.equal(statusOf(text), 'client-error-document-format-not-supported');
    assert.deepEqual(valuesOf(text, 'document-format', GroupTag.unsupported), ['text/plain']);
    const sides = await call(
      p.port,
      ippRequest('Validate-Job', p.uri, [pdfFormat], { job: [attr('sides', 'keyword', 'three-sided')] }),
    );
    assert.equal(statusOf(sides), 'successful-ok-ignored-or-substituted-attributes');
    assert.deepEqual(valuesOf(sides, 'sides', GroupTag.unsupported), ['three-sided']);
  });
});

describe('virtual printer: operations it does not have', () => {
  it('answers server-error-operation-not-supported to a registered and to an unknown operation', async (t) => {
    const p = await startTestPrinter(t);
    for (const op of [Operation['Hold-Job'], Operation['CUPS-Get-Printers'], 0x3fff]) {
      const message = ippRequest('Get-Printer-Attributes', p.uri);
      message.operationIdOrStatus = op;
      const answer = await call(p.port, message);
      assert.equal(
        statusOf(answer),
        'server-error-operation-not-supported',
        `operation 0x${op.toString(16)}`,
      );
    }
  });

  it('answers client-error-not-found to a printer-uri that is not this printer', async (t) => {
    const p = await startTestPrinter(t);
    const answer = await call(
      p.port,
      ippRequest('Print-Job', `ipp://127.0.0.1:${p.port}/printers/other`, [pdfFormat]),
      await makePdf(1),
    );
    assert.equal(statusOf(answer), 'client-error-not-found');
    assert.equal(p.store.size, 0);
    assert.deepEqual(p.spoolFiles(), []);
  });

  it('answers an IPP request on a keep-alive connection and then another one on the same socket', async (t) => {
    const p = await startTestPrinter(t);
    const { Agent } = await import('node:http');
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    t.after(() => agent.destroy());
    const wire = encode(
      ippRequest('Get-Printer-Attributes', p.uri, [attr('requested-attributes', 'keyword', 'printer-name')]),
    );
    const first = await post(p.port, { body: wire, agent });
    const second = await post(p.port, { body: wire, agent });
    assert.ok(first.kind === 'answer' && second.kind === 'answer');
    assert.equal(second.reusedSocket, true, 'the connection was kept');
  });
});
