import { Agent } from 'node:http';
// What the printer refuses, and how: every bad request gets an IPP error status or an HTTP 4xx within a
// bound, or its connection is closed; nothing it refuses leaves a file in the spool; the printer keeps
// answering afterwards. Request shapes from CUPS test/4.1-requests.test and RFC 8010/8011.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { GroupTag, ValueTag, attr, decode, encode } from '../../../main/ipp/index.js';
import type { IppMessage } from '../../../main/ipp/index.js';
import { makePdf } from '../../helpers/pdf.js';
import { header, int32, item, join, tag } from '../ipp/wire-bytes.js';
import { paddedJpeg } from './documents.js';
import { call, ippRequest, messageOf, post, postIpp, statusOf, valuesOf } from './ipp-client.js';
import { pdfFormat, assertStillServing, answerOf, dropMidDocument } from './printer-steps.js';
import { startTestPrinter } from './test-printer.js';
import type { TestPrinter } from './test-printer.js';

/** The operation group items every request starts with, as raw bytes. */
function openingItems(p: TestPrinter): Buffer {
  return join(
    tag(0x01),
    item(ValueTag.charset, 'attributes-charset', 'utf-8'),
    item(ValueTag.naturalLanguage, 'attributes-natural-language', 'en'),
    item(ValueTag.uri, 'printer-uri', p.uri),
  );
}

/** A raw Print-Job (operation 0x0002) or other request: header, opening items, `rest`, end tag. */
function rawRequest(p: TestPrinter, rest: Buffer[], operation = 0x0002): Buffer {
  return join(header(operation), openingItems(p), ...rest, tag(0x03));
}

describe('virtual printer: required operation attributes', () => {
  const withoutOpening = (p: TestPrinter, keep: (name: string) => boolean): IppMessage => {
    const message = ippRequest('Get-Printer-Attributes', p.uri);
    const first = message.groups[0];
    assert.ok(first);
    first.attributes = first.attributes.filter((a) => keep(a.name));
    return message;
  };

  it('refuses a request without attributes-charset as a bad request', async (t) => {
    const p = await startTestPrinter(t);
    const answer = await call(
      p.port,
      withoutOpening(p, (n) => n !== 'attributes-charset'),
    );
    assert.equal(statusOf(answer), 'client-error-bad-request');
    assert.match(messageOf(answer), /attributes-charset/);
  });

  it('refuses a request without attributes-natural-language as a bad request', async (t) => {
    const p = await startTestPrinter(t);
    const answer = await call(
      p.port,
      withoutOpening(p, (n) => n !== 'attributes-natural-language'),
    );
    assert.equal(statusOf(answer), 'client-error-bad-request');
    assert.match(messageOf(answer), /attributes-natural-language/);
  });

  it('refuses a request with neither, or with the two in the wrong order', async (t) => {
    const p = await startTestPrinter(t);
    const neither = await call(
      p.port,
      withoutOpening(p, (n) => !n.startsWith('attributes-')),
    );
    assert.equal(statusOf(neither), 'client-error-bad-request');
    const swapped = ippRequest('Get-Printer-Attributes', p.uri);
    const attrs = swapped.groups[0]?.attributes ?? [];
    [attrs[0], attrs[1]] = [attrs[1] as (typeof attrs)[0], attrs[0] as (typeof attrs)[0]];
    assert.equal(statusOf(await call(p.port, swapped)), 'client-error-bad-request');
  });

  it('refuses a Print-Job without attributes-charset and stores nothing', async (t) => {
    const p = await startTestPrinter(t);
    const message = ippRequest('Print-Job', p.uri, [pdfFormat]);
    message.groups[0]?.attributes.shift();
    const answer = await call(p.port, message, await makePdf(1));
    assert.equal(statusOf(answer), 'client-error-bad-request');
    assert.equal(p.store.size, 0);
    assert.deepEqual(p.spoolFiles(), []);
  });

  it('answers client-error-charset-not-supported to a charset other than utf-8 or us-ascii', async (t) => {
    const p = await startTestPrinter(t);
    const message = ippRequest('Get-Printer-Attributes', p.uri);
    const first = message.groups[0];
    assert.ok(first);
    first.attributes[0] = attr('attributes-charset', 'charset', 'iso-8859-1');
    const answer = await call(p.port, message);
    assert.equal(statusOf(answer), 'client-error-charset-not-supported');
    assert.deepEqual(valuesOf(answer, 'attributes-charset', GroupTag.unsupported), ['iso-8859-1']);
  });

  it('refuses a request without printer-uri, or with printer-uri of the wrong syntax', async (t) => {
    const p = await startTestPrinter(t);
    const missing = ippRequest('Print-Job', p.uri, [pdfFormat]);
    missing.groups[0]?.attributes.splice(2, 1);
    const answer = await call(p.port, missing, await makePdf(1));
    assert.equal(statusOf(answer), 'client-error-bad-request');
    assert.match(messageOf(answer), /printer-uri/);
    assert.equal(p.store.size, 0);

    const wrong = ippRequest('Get-Printer-Attributes', p.uri);
    const first = wrong.groups[0];
    assert.ok(first);
    first.attributes[2] = attr('printer-uri', 'nameWithoutLanguage', p.uri);
    const wrongAnswer = await call(p.port, wrong);
    assert.equal(statusOf(wrongAnswer), 'client-error-bad-request');
    assert.ok(valuesOf(wrongAnswer, 'printer-uri', GroupTag.unsupported), 'the attribute is named back');
  });

  it('refuses request-id 0 and a negative request-id as bad requests', async (t) => {
    const p = await startTestPrinter(t);
    for (const requestId of [0, -5]) {
      const answer = await call(p.port, ippRequest('Get-Printer-Attributes', p.uri, [], { requestId }));
      assert.equal(statusOf(answer), 'client-error-bad-request', `request-id ${requestId}`);
    }
  });
});

describe('virtual printer: versions', () => {
  it('answers server-error-version-not-supported, in IPP/1.1, to versions 0.0 and 3.0', async (t) => {
    const p = await startTestPrinter(t);
    for (const version of [
      { major: 0, minor: 0 },
      { major: 3, minor: 0 },
    ]) {
      const answer = await call(p.port, ippRequest('Get-Printer-Attributes', p.uri, [], { version }));
      assert.equal(statusOf(answer), 'server-error-version-not-supported', JSON.stringify(version));
      assert.deepEqual(answer.version, { major: 1, minor: 1 });
    }
  });

  it('refuses an IPP/3.0 Print-Job with a 300 KB document within 3 s, keeping the connection', async (t) => {
    const p = await startTestPrinter(t);
    const pdf = await makePdf(1, { padBytes: 300_000 });
    const message = ippRequest('Print-Job', p.uri, [pdfFormat], { version: { major: 3, minor: 0 } });
    const agent = new Agent({ keepAlive: true });
    const started = Date.now();
    // The exchange may run past the bound, so that nothing of it is left in flight for later tests.
    const outcome = answerOf(
      // A keep-alive agent: without one Node's client asks for Connection: close itself.
      await post(p.port, { body: Buffer.concat([encode(message), pdf]), timeoutMs: 15_000, agent }),
    );
    agent.destroy();
    const took = Date.now() - started;
    assert.equal(statusOf(decode(outcome.body)), 'server-error-version-not-supported');
    assert.ok(took < 3000, `the answer took ${took} ms`);
    assert.notEqual(outcome.headers.connection, 'close', 'the whole document was read, nothing to cut');
    assert.deepEqual(p.spoolFiles(), []);
  });

  it('survives a client that drops an IPP/3.0 Print-Job in the middle of its document', async (t) => {
    const p = await startTestPrinter(t);
    const section = encode(ippRequest('Print-Job', p.uri, [pdfFormat], { version: { major: 3, minor: 0 } }));
    // Few enough bytes that the printer keeps reading the socket and sees the reset at once.
    await dropMidDocument(p, section, 1_000_000, 5_000);
    await assertStillServing(p);
  });
});

describe('virtual printer: values and structure the codec refuses', () => {
  const validate = 0x0004;

  it('accepts a 1023-octet job-name and refuses a 1024-octet one with client-error-request-value-too-long', async (t) => {
    const p = await startTestPrinter(t);
    const pdf = await makePdf(1);
    const withName = (length: number) =>
      rawRequest(p, [item(ValueTag.nameWithoutLanguage, 'job-name', 'n'.repeat(length))]);
    const fits = await postIpp(p.port, Buffer.concat([withName(1023), pdf]));
    assert.equal(statusOf(fits), 'successful-ok', messageOf(fits));
    assert.equal(p.store.list(1).jobs[0]?.name, 'n'.repeat(1023));
    const over = await postIpp(p.port, Buffer.concat([withName(1024), pdf]));
    assert.equal(statusOf(over), 'client-error-request-value-too-long');
    assert.match(messageOf(over), /1024/);
    assert.equal(p.store.size, 1, 'the refused job was not stored');
  });

  it('refuses a keyword over 255 octets and an attribute name over 255 octets', async (t) => {
    const p = await startTestPrinter(t);
    const keyword = await postIpp(
      p.port,
      rawRequest(p, [item(ValueTag.keyword, 'requested-attributes', 'k'.repeat(256))], 0x000b),
    );
    assert.equal(statusOf(keyword), 'client-error-request-value-too-long');
    const name = await postIpp(
      p.port,
      rawRequest(p, [item(ValueTag.keyword, 'a'.repeat(256), 'x')], validate),
    );
    assert.equal(statusOf(name), 'client-error-bad-request');
    await assertStillServing(p);
  });

  it('refuses a value-length with its sign bit set, and an attribute section over 1 MiB', async (t) => {
    const p = await startTestPrinter(t);
    const negative = rawRequest(p, [item(ValueTag.keyword, 'sides', 'x', { value: 0x8000 })], validate);
    assert.equal(statusOf(await postIpp(p.port, negative)), 'client-error-bad-request');
    const many = Array.from({ length: 1100 }, (_, i) =>
      item(ValueTag.textWithoutLanguage, `x-${i}`, 't'.repeat(1000)),
    );
    const huge = await postIpp(p.port, rawRequest(p, [tag(0x02), ...many], validate));
    assert.equal(statusOf(huge), 'client-error-request-entity-too-large');
    await assertStillServing(p);
  });

  it('lets an unknown value tag through on an unknown attribute, and refuses it on one it reads', async (t) => {
    const p = await startTestPrinter(t);
    const unknown = await postIpp(
      p.port,
      rawRequest(p, [tag(0x02), item(0x5f, 'vendor-extension', [1, 2, 3])], validate),
    );
    assert.equal(statusOf(unknown), 'successful-ok', messageOf(unknown));
    const wrong = await postIpp(
      p.port,
      rawRequest(p, [item(0x5f, 'requesting-user-name', 'alice')], validate),
    );
    assert.equal(statusOf(wrong), 'client-error-bad-request');
    assert.ok(valuesOf(wrong, 'requesting-user-name', GroupTag.unsupported));
  });

  it('refuses the reserved tags 0x7F and 0x0B', async (t) => {
    const p = await startTestPrinter(t);
    for (const bytes of [
      rawRequest(p, [item(0x7f, 'extension', [0, 0, 0, 0x44])], validate),
      rawRequest(p, [tag(0x0b), item(ValueTag.keyword, 'x', 'y')], validate),
    ]) {
      assert.equal(statusOf(await postIpp(p.port, bytes)), 'client-error-bad-request');
    }
    await assertStillServing(p);
  });

  it('refuses groups in the wrong order: job first, operation twice, an attribute before any group', async (t) => {
    const p = await startTestPrinter(t);
    const opening = openingItems(p).subarray(1);
    const jobFirst = join(
      header(validate),
      tag(0x02),
      item(ValueTag.integer, 'copies', int32(1)),
      tag(0x01),
      opening,
      tag(0x03),
    );
    const twice = join(header(validate), tag(0x01), opening, tag(0x01), opening, tag(0x03));
    const noGroup = join(header(validate), opening, tag(0x03));
    for (const [label, bytes] of [
      ['job first', jobFirst],
      ['operation twice', twice],
      ['no group', noGroup],
    ] as const) {
      const answer = await postIpp(p.port, bytes);
      assert.equal(statusOf(answer), 'client-error-bad-request', label);
      assert.equal(answer.requestId, 1, `${label}: the request-id is echoed`);
    }
    await assertStillServing(p);
  });

  it('answers client-error-not-found, not HTTP 500, when the echoed printer-uri would be cut inside a surrogate pair', async (t) => {
    // The status message quotes the printer-uri and is cut to 255 UTF-16 units; a cut between the two
    // halves of an emoji leaves a lone surrogate, which the encoder refuses.
    const p = await startTestPrinter(t);
    const prefix = 'There is no printer at ';
    const base = `ipp://127.0.0.1:${p.port}/elsewhere/`;
    const uri = `${base}${'a'.repeat(254 - prefix.length - base.length)}\u{1F5A8}`;
    const outcome = answerOf(
      await post(p.port, { body: encode(ippRequest('Get-Printer-Attributes', uri)), timeoutMs: 5000 }),
    );
    assert.equal(outcome.status, 200, `HTTP ${outcome.status}: ${outcome.body.toString('utf8')}`);
    assert.equal(statusOf(decode(outcome.body)), 'client-error-not-found');
  });
});

describe('virtual printer: documents it refuses', () => {
  it('refuses a document over the size limit with client-error-request-entity-too-large and leaves nothing', async (t) => {
    const p = await startTestPrinter(t, { maxJobBytes: 64 * 1024 });
    const pdf = await makePdf(1, { padBytes: 300_000 });
    const started = Date.now();
    const answer = await call(p.port, ippRequest('Print-Job', p.uri, [pdfFormat]), pdf, { timeoutMs: 5000 });
    assert.equal(statusOf(answer), 'client-error-request-entity-too-large');
    assert.ok(Date.now() - started < 3000, 'answered without waiting on a timer');
    assert.equal(p.store.size, 0);
    assert.deepEqual(p.spoolFiles(), [], 'no temp file in the spool');
    await assertStillServing(p);
  });

  it('refuses a JPEG over the size limit the same way', async (t) => {
    const p = await startTestPrinter(t, { maxJobBytes: 16 * 1024 });
    const answer = await call(
      p.port,
      ippRequest('Print-Job', p.uri, [attr('document-format', 'mimeMediaType', 'image/jpeg')]),
      paddedJpeg(200_000),
      { timeoutMs: 5000 },
    );
    assert.equal(statusOf(answer), 'client-error-request-entity-too-large');
    assert.deepEqual(p.spoolFiles(), []);
  });

  it('refuses a gzip document that inflates over the size limit within 3 s, leaving nothing', async (t) => {
    const p = await startTestPrinter(t, { maxJobBytes: 64 * 1024 });
    const pdf = await makePdf(1, { padBytes: 1_000_000 });
    const started = Date.now();
    const answer = await call(
      p.port,
      ippRequest('Print-Job', p.uri, [pdfFormat, attr('compression', 'keyword', 'gzip')]),
      gzipSync(pdf),
      { timeoutMs: 15_000 },
    );
    const took = Date.now() - started;
    assert.equal(statusOf(answer), 'client-error-request-entity-too-large');
    assert.deepEqual(p.spoolFiles(), []);
    assert.ok(took < 3000, `the answer took ${took} ms`);
  });

  it('refuses bytes declared application/pdf that are not a PDF with client-error-document-format-error', async (t) => {
    const p = await startTestPrinter(t);
    for (const body of [randomBytes(20_000), Buffer.from('%PDF-1.7\nthis is not really a PDF\n%%EOF\n')]) {
      const answer = await call(p.port, ippRequest('Print-Job', p.uri, [pdfFormat]), body);
      assert.equal(statusOf(answer), 'client-error-document-format-error', messageOf(answer));
    }
    assert.equal(p.store.size, 0);
    assert.deepEqual(p.spoolFiles(), []);
  });

  it('survives a client that drops a refused gzip document in the middle', async (t) => {
    // The format is refused before the document ends; the client then resets the connection. The
    // inflater the body is still piped into must not emit an 'error' nobody listens to.
    for (const format of ['application/octet-stream', 'image/jpeg']) {
      const p = await startTestPrinter(t);
      const section = encode(
        ippRequest('Print-Job', p.uri, [
          attr('document-format', 'mimeMediaType', format),
          attr('compression', 'keyword', 'gzip'),
        ]),
      );
      const doc = gzipSync(
        Buffer.concat([Buffer.from('plain text, no known format\n'.repeat(100)), randomBytes(300_000)]),
      );
      await dropMidDocument(p, section, doc.length, 100_000, doc);
      await assertStillServing(p);
    }
  });
});

describe('virtual printer: HTTP it refuses', () => {
  it('answers 400 to a Host that is not loopback on its port, and stores nothing', async (t) => {
    const p = await startTestPrinter(t);
    const body = Buffer.concat([encode(ippRequest('Print-Job', p.uri, [pdfFormat])), await makePdf(1)]);
    for (const host of [
      'evil.test',
      `evil.test:${p.port}`,
      `127.0.0.1:${p.port + 1}`,
      `127.0.0.1.nip.io:${p.port}`,
    ]) {
      const outcome = await post(p.port, { body, host, timeoutMs: 5000 });
      if (outcome.kind === 'answer') assert.equal(outcome.status, 400, host);
    }
    for (const host of [`localhost:${p.port}`, '127.0.0.1']) {
      const outcome = answerOf(
        await post(p.port, { body: encode(ippRequest('Get-Printer-Attributes', p.uri)), host }),
      );
      assert.equal(outcome.status, 200, `${host} is this printer`);
    }
    assert.equal(p.store.size, 0);
  });

  it('answers 403 to a request with an Origin header', async (t) => {
    const p = await startTestPrinter(t);
    const body = Buffer.concat([encode(ippRequest('Print-Job', p.uri, [pdfFormat])), await makePdf(1)]);
    for (const origin of ['https://evil.test', 'null', `http://127.0.0.1:${p.port}`]) {
      const outcome = answerOf(await post(p.port, { body, headers: { origin } }));
      assert.equal(outcome.status, 403, origin);
    }
    assert.equal(p.store.size, 0);
  });

  it('answers 405 with Allow: POST to GET', async (t) => {
    const p = await startTestPrinter(t);
    const outcome = answerOf(await post(p.port, { method: 'GET' }));
    assert.equal(outcome.status, 405);
    assert.equal(outcome.headers.allow, 'POST');
  });

  it('answers 400 to a body that is not application/ipp, and 404 off the printer path', async (t) => {
    const p = await startTestPrinter(t);
    const body = encode(ippRequest('Get-Printer-Attributes', p.uri));
    for (const type of ['text/plain', 'application/ipp-x', 'application/octet-stream']) {
      const outcome = answerOf(await post(p.port, { body, headers: { 'content-type': type } }));
      assert.equal(outcome.status, 400, type);
    }
    const untyped = answerOf(await post(p.port, { body, headers: { 'content-type': '' } }));
    assert.equal(untyped.status, 400, 'no content type');
    for (const path of ['/printers/x', '/ipp/print/../print', '/ipp/printer', '/']) {
      assert.equal(answerOf(await post(p.port, { body, path })).status, 404, path);
    }
    const typed = answerOf(
      await post(p.port, { body, headers: { 'content-type': 'Application/IPP; charset=x' } }),
    );
    assert.equal(typed.status, 200, 'the media type is case-insensitive and may carry parameters');
  });
});
