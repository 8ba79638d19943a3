// Names that arrive over IPP are data from any application: "job-name", "document-name" and
// "requesting-user-name" with newlines, quotes, markup, percent signs and long text must come back exactly
// through the control API, never forge a log line or a header, and never name a file.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { GroupTag, IppEncodeError, ValueTag, attr, encode } from '../../../main/ipp/index.js';
import { createLogger } from '../../../main/log/logger.js';
import { downloadDocument, listAllJobs } from '../../helpers/control-client.js';
import { makePdf, sha256 } from '../../helpers/pdf.js';
import { SPOOL_FILE, spoolEntries, walkTree } from '../../helpers/spool-files.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { startTestSpooler } from '../control/spooler-fixture.js';
import { header, item, join as joinBytes, tag } from '../ipp/wire-bytes.js';
import { call, ippRequest, messageOf, post, statusOf, valueOf } from './ipp-client.js';
import { startTestPrinter } from './test-printer.js';

/** Names an attacker would try, each a sentence of its own. */
const HOSTILE = [
  'two\nlines',
  'crlf\r\nX-Injected: yes',
  'forged\n{"level":"error","message":"forged entry"}',
  'quotes " and \' and \\ backslash',
  '<script>alert(1)</script>',
  '100% %s %n %00 %0d%0a %%',
  '../../../etc/passwd',
  'C:\\Windows\\system32\\cmd.exe',
  'nul\u0000byte',
  'line\u2028separators\u2029',
  'tab\tand\u001bescape',
  'Ünïcødé 文档 🖨️',
  'report.pdf',
];

const pdfFormat = attr('document-format', 'mimeMediaType', 'application/pdf');

describe('attribute escaping: names are data', () => {
  it('returns every hostile job-name, document-name and requesting-user-name exactly in the JSON job list', async (t) => {
    const s = await startTestSpooler(t);
    const ipp = s.ports.ipp as number;
    const uri = `ipp://127.0.0.1:${ipp}/ipp/print`;
    const pdf = await makePdf(1);
    const sent: Array<{ name: string; owner: string }> = [];
    for (const [i, hostile] of HOSTILE.entries()) {
      // Alternate which attribute carries the hostile name; the owner always does.
      const nameAttr =
        i % 2 === 0
          ? attr('job-name', 'nameWithoutLanguage', hostile)
          : attr('document-name', 'nameWithLanguage', { lang: 'en', text: hostile });
      const answer = await call(
        ipp,
        ippRequest('Print-Job', uri, [
          attr('requesting-user-name', 'nameWithoutLanguage', `${hostile} (owner)`),
          nameAttr,
          pdfFormat,
        ]),
        pdf,
      );
      assert.equal(statusOf(answer), 'successful-ok', `${JSON.stringify(hostile)}: ${messageOf(answer)}`);
      sent.push({ name: hostile, owner: `${hostile} (owner)` });
    }
    const { jobs } = await listAllJobs(s.port, s.controlToken);
    assert.deepEqual(
      jobs.map((j) => ({ name: j.name, owner: j.owner })).reverse(),
      sent,
      'the job list returns the names and owners byte for byte, in order',
    );
    // And IPP itself hands them back unchanged.
    const first = await call(ipp, ippRequest('Get-Job-Attributes', uri, [attr('job-id', 'integer', 1)]));
    assert.equal(valueOf(first, 'job-name', GroupTag.job), HOSTILE[0]);
    assert.equal(valueOf(first, 'job-originating-user-name', GroupTag.job), `${HOSTILE[0]} (owner)`);
  });

  it('serves each document with a Content-Disposition that has no CR or LF and no unescaped quote', async (t) => {
    const s = await startTestSpooler(t);
    const ipp = s.ports.ipp as number;
    const uri = `ipp://127.0.0.1:${ipp}/ipp/print`;
    const pdf = await makePdf(1);
    for (const hostile of HOSTILE) {
      await call(
        ipp,
        ippRequest('Print-Job', uri, [attr('job-name', 'nameWithoutLanguage', hostile), pdfFormat]),
        pdf,
      );
    }
    const { jobs } = await listAllJobs(s.port, s.controlToken);
    assert.equal(jobs.length, HOSTILE.length);
    for (const job of jobs) {
      const download = await downloadDocument(s.port, s.controlToken, job.id);
      assert.equal(download.status, 200, JSON.stringify(job.name));
      assert.equal(download.sha256, sha256(pdf));
      const disposition = String(download.headers['content-disposition']);
      assert.doesNotMatch(disposition, /[\r\n\0]/, JSON.stringify(job.name));
      const m =
        /^attachment; filename="((?:[^"\\]|\\.)*)"; filename\*=UTF-8''([A-Za-z0-9!#$&+\-.^_`|~%]+)$/.exec(
          disposition,
        );
      assert.ok(m, `well-formed: ${disposition}`);
      assert.match(m[1] as string, /^[\x20-\x7e]*$/, 'the plain filename is printable ASCII');
      const decoded = decodeURIComponent(m[2] as string);
      const expected = job.name.toLowerCase().endsWith('.pdf') ? job.name : `${job.name}.pdf`;
      assert.equal(decoded, expected, 'filename* carries the whole name, percent-encoded');
    }
  });

  it('names no file after an attribute: the spool holds only <32 hex>.pdf and .json', async (t) => {
    const s = await startTestSpooler(t);
    const ipp = s.ports.ipp as number;
    const uri = `ipp://127.0.0.1:${ipp}/ipp/print`;
    const pdf = await makePdf(1);
    for (const hostile of HOSTILE) {
      await call(
        ipp,
        ippRequest('Print-Job', uri, [
          attr('job-name', 'nameWithoutLanguage', hostile),
          attr('document-name', 'nameWithoutLanguage', hostile),
          attr('requesting-user-name', 'nameWithoutLanguage', hostile),
          pdfFormat,
        ]),
        pdf,
      );
    }
    const files = spoolEntries(s.dataDir);
    assert.equal(files.length, HOSTILE.length * 2);
    assert.deepEqual(
      files.filter((f) => !SPOOL_FILE.test(f)),
      [],
    );
    const tree = walkTree(s.dataDir);
    for (const fragment of ['passwd', 'script', 'report', 'cmd.exe', 'lines', 'Windows'])
      assert.ok(!tree.some((p) => p.includes(fragment)), `no path holds "${fragment}": ${tree.join(', ')}`);
  });

  it('stores a name as long as the codec allows whole, in ASCII and in a three-byte script', async (t) => {
    const s = await startTestSpooler(t);
    const ipp = s.ports.ipp as number;
    const uri = `ipp://127.0.0.1:${ipp}/ipp/print`;
    const pdf = await makePdf(1);
    const ascii = `${'a'.repeat(1021)}"\n`; // 1023 octets, the nameWithoutLanguage limit
    const cjk = '文'.repeat(341); // 1023 octets
    for (const name of [ascii, cjk]) {
      assert.equal(Buffer.byteLength(name), 1023);
      const answer = await call(
        ipp,
        ippRequest('Print-Job', uri, [
          attr('job-name', 'nameWithoutLanguage', name),
          attr('requesting-user-name', 'nameWithLanguage', { lang: 'zh', text: name }),
          pdfFormat,
        ]),
        pdf,
      );
      assert.equal(statusOf(answer), 'successful-ok', messageOf(answer));
    }
    const { jobs } = await listAllJobs(s.port, s.controlToken);
    assert.deepEqual(jobs.map((j) => [j.name, j.owner]).reverse(), [
      [ascii, ascii],
      [cjk, cjk],
    ]);
  });

  it('refuses a 1 MB job-name: our encoder will not write it, and the printer answers request-value-too-long', async (t) => {
    const huge = 'x'.repeat(1024 * 1024);
    assert.throws(
      () =>
        encode(
          ippRequest('Print-Job', 'ipp://127.0.0.1/ipp/print', [
            attr('job-name', 'nameWithoutLanguage', huge),
          ]),
        ),
      (err: unknown) => err instanceof IppEncodeError && err.code === 'value-too-long',
    );
    const s = await startTestSpooler(t);
    const ipp = s.ports.ipp as number;
    // On the wire a value-length is 16 bits: the largest a client can declare is 0x7FFF, and then it
    // keeps sending the rest of its megabyte.
    const wire = joinBytes(
      header(0x0002),
      tag(0x01),
      item(ValueTag.charset, 'attributes-charset', 'utf-8'),
      item(ValueTag.naturalLanguage, 'attributes-natural-language', 'en'),
      item(ValueTag.uri, 'printer-uri', `ipp://127.0.0.1:${ipp}/ipp/print`),
      item(ValueTag.nameWithoutLanguage, 'job-name', huge, { value: 0x7fff }),
    );
    const outcome = await post(ipp, { body: wire, timeoutMs: 10_000 });
    assert.equal(outcome.kind, 'answer');
    if (outcome.kind !== 'answer') return;
    assert.equal(outcome.status, 200);
    const { decode } = await import('../../../main/ipp/index.js');
    const answer = decode(outcome.body);
    assert.equal(statusOf(answer), 'client-error-request-value-too-long');
    assert.match(messageOf(answer), /over the limit of 1023/);
    assert.equal(s.store.size, 0);
    assert.deepEqual(spoolEntries(s.dataDir), []);
  });
});

describe('attribute escaping: the log', () => {
  it('writes one JSON entry per line whatever newlines a request carries', async (t) => {
    const dir = tempDir(t, 'cps-log-');
    const log = createLogger({ dir, console: false });
    const p = await startTestPrinter(t, { log });
    const pdf = await makePdf(1);
    const forged = 'x\n{"level":"error","message":"forged entry"}\r\n';
    // A stored job (logged by id), and two refusals whose reasons quote what the client sent.
    await call(
      p.port,
      ippRequest('Print-Job', p.uri, [attr('job-name', 'nameWithoutLanguage', forged), pdfFormat]),
      pdf,
    );
    const inCollection = joinBytes(
      header(0x0004),
      tag(0x01),
      item(ValueTag.charset, 'attributes-charset', 'utf-8'),
      item(ValueTag.naturalLanguage, 'attributes-natural-language', 'en'),
      item(ValueTag.uri, 'printer-uri', p.uri),
      tag(0x02),
      item(ValueTag.begCollection, 'media-col', ''),
      item(ValueTag.keyword, forged, 'named value inside a collection'),
      item(ValueTag.endCollection, '', ''),
      tag(0x03),
    );
    const refused = await post(p.port, { body: inCollection });
    assert.ok(refused.kind === 'answer' && refused.status === 200);
    const which = await call(p.port, ippRequest('Get-Jobs', p.uri, [attr('which-jobs', 'keyword', forged)]));
    assert.equal(statusOf(which), 'client-error-attributes-or-values-not-supported');
    await log.close();

    const text = readFileSync(join(dir, 'spooler.log'), 'utf8');
    const lines = text.split('\n').filter((l) => l !== '');
    const entries = lines.map(
      (line) => JSON.parse(line) as { level: string; message: string; reason?: string },
    );
    assert.ok(entries.length >= 2, `${entries.length} entries`);
    assert.deepEqual(
      entries.filter((e) => e.message === 'forged entry'),
      [],
      'no line became an entry of its own',
    );
    const reasons = entries.map((e) => e.reason ?? '');
    assert.ok(
      reasons.some((r) => r.includes(forged)),
      `the refusal's reason keeps the client's text as one JSON string: ${JSON.stringify(reasons)}`,
    );
  });
});
