// Requests cut short, stalled or dropped: every one is answered (HTTP 400 or an IPP error) or has its
// connection closed within a bound, the connection is reusable or closed cleanly, no partial document stays
// in the spool, and the printer keeps answering.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Agent } from 'node:http';
import { describe, it } from 'node:test';
import { attr, decode, encode } from '../../../main/ipp/index.js';
import { makePdf } from '../../helpers/pdf.js';
import { ippRequest, messageOf, post, postHead, postIpp, rawExchange, statusOf } from './ipp-client.js';
import { pdfFormat, assertStillServing, spoolEmptyWithin, answerOf } from './printer-steps.js';
import { startTestPrinter } from './test-printer.js';

describe('virtual printer: malformed and truncated requests', () => {
  it('answers a request cut at any of several offsets with HTTP 400 or an IPP bad-request, then serves the connection again', async (t) => {
    const p = await startTestPrinter(t);
    const message = ippRequest('Print-Job', p.uri, [
      pdfFormat,
      attr('job-name', 'nameWithoutLanguage', 'cut short'),
      attr('requesting-user-name', 'nameWithoutLanguage', 'truncator'),
    ]);
    const section = encode(message);
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    t.after(() => agent.destroy());
    const cuts = [1, 4, 7, 8, 9, 12, 30, Math.floor(section.length / 2), section.length - 1];
    for (const cut of cuts) {
      const outcome = await post(p.port, { body: section.subarray(0, cut), agent, timeoutMs: 5000 });
      if (outcome.kind === 'answer' && (cut < 8 || outcome.status !== 200)) {
        assert.equal(outcome.status, 400, `cut at ${cut}: HTTP 400`);
      } else if (outcome.kind === 'answer') {
        const answer = decode(outcome.body);
        assert.equal(statusOf(answer), 'client-error-bad-request', `cut at ${cut}`);
        assert.equal(answer.requestId, message.requestId, `cut at ${cut}: the request-id is echoed`);
      }
      const next = await post(p.port, {
        body: encode(ippRequest('Get-Printer-Attributes', p.uri)),
        agent,
        timeoutMs: 5000,
      });
      assert.equal(answerOf(next).status, 200, `the printer answers after the cut at ${cut}`);
    }
    assert.equal(p.store.size, 0);
    assert.deepEqual(p.spoolFiles(), []);
  });

  it('refuses a PDF cut off before its first page, after complete attributes, keeping nothing', async (t) => {
    // A PDF cut later may still be stored: the page count is read with a recovery scan by design.
    const p = await startTestPrinter(t);
    const pdf = await makePdf(2);
    const section = encode(ippRequest('Print-Job', p.uri, [pdfFormat]));
    const answer = await postIpp(p.port, Buffer.concat([section, pdf.subarray(0, 100)]));
    assert.equal(statusOf(answer), 'client-error-document-format-error', messageOf(answer));
    assert.equal(p.store.size, 0);
    assert.deepEqual(p.spoolFiles(), []);
  });

  it('answers or closes when the client half-closes inside the attributes, or well into the document', async (t) => {
    const p = await startTestPrinter(t);
    const pdf = await makePdf(1, { padBytes: 50_000 });
    const section = encode(ippRequest('Print-Job', p.uri, [pdfFormat]));
    const whole = Buffer.concat([section, pdf]);
    // Inside the document the FIN comes 300 ms after the bytes, once the printer is writing its draft
    // (a hang-up while the draft is being opened is the next test's subject).
    for (const cut of [5, 20, section.length - 3, section.length + 100, section.length + 30_000]) {
      const outcome = await rawExchange(
        p.port,
        Buffer.concat([postHead(p.port, whole.length), whole.subarray(0, cut)]),
        cut < section.length
          ? { halfClose: true, timeoutMs: 5000 }
          : { halfCloseAfterMs: 300, timeoutMs: 5000 },
      );
      assert.ok(
        outcome.closed || (outcome.status !== null && outcome.status < 500),
        `cut at ${cut}: answered ${String(outcome.status)} or closed`,
      );
      if (outcome.status !== null) assert.ok(outcome.status < 500, `cut at ${cut}: ${outcome.head}`);
    }
    assert.deepEqual(await spoolEmptyWithin(p, 3000), [], 'every partial document was removed');
    assert.equal(p.store.size, 0);
    await assertStillServing(p);
  });

  it('survives 60 clients that hang up right after the attributes of a Print-Job, leaving nothing', async (t) => {
    // The hang-up reaches the document stream while the printer is still opening the job's draft file;
    // an 'error' the document stream emits then must have a listener, or it is an uncaught exception.
    const p = await startTestPrinter(t);
    const pdf = await makePdf(1, { padBytes: 50_000 });
    const section = encode(ippRequest('Print-Job', p.uri, [pdfFormat]));
    const whole = Buffer.concat([section, pdf]);
    const cut = Buffer.concat([postHead(p.port, whole.length), whole.subarray(0, section.length + 100)]);
    const outcomes = await Promise.all(
      Array.from({ length: 60 }, () => rawExchange(p.port, cut, { halfClose: true, timeoutMs: 5000 })),
    );
    for (const outcome of outcomes) assert.ok(outcome.status === null || outcome.status < 500, outcome.head);
    assert.deepEqual(await spoolEmptyWithin(p, 3000), [], 'every partial document was removed');
    await assertStillServing(p);
  });

  it('cuts off a client that stalls inside the attributes', async (t) => {
    const p = await startTestPrinter(t, { sectionTimeoutMs: 500 });
    const section = encode(ippRequest('Get-Printer-Attributes', p.uri));
    const outcome = await rawExchange(
      p.port,
      Buffer.concat([postHead(p.port, section.length), section.subarray(0, 20)]),
      { timeoutMs: 4000 },
    );
    assert.ok(outcome.closed, 'the connection was closed');
    assert.ok(outcome.status === null || outcome.status < 500, outcome.head);
    await assertStillServing(p);
  });

  it('cuts off a client that stalls inside the document and removes the partial document', async (t) => {
    const p = await startTestPrinter(t, { idleTimeoutMs: 1000 });
    const pdf = await makePdf(1, { padBytes: 200_000 });
    const section = encode(ippRequest('Print-Job', p.uri, [pdfFormat]));
    const outcome = await rawExchange(
      p.port,
      Buffer.concat([postHead(p.port, section.length + pdf.length), section, pdf.subarray(0, 100_000)]),
      { timeoutMs: 6000 },
    );
    assert.ok(outcome.closed, 'the connection was closed');
    assert.deepEqual(await spoolEmptyWithin(p, 3000), [], 'the partial document was removed');
    assert.equal(p.store.size, 0);
    await assertStillServing(p);
  });

  it('answers HTTP 400 to bytes that are not HTTP', async (t) => {
    const p = await startTestPrinter(t);
    const outcome = await rawExchange(p.port, Buffer.from('\x16\x03\x01\x00\xa5garbage\r\n\r\n', 'latin1'), {
      timeoutMs: 5000,
    });
    assert.equal(outcome.status, 400);
    await assertStillServing(p);
  });

  it('answers HTTP 400 or an IPP error to bodies that are not IPP', async (t) => {
    const p = await startTestPrinter(t);
    for (const body of [Buffer.alloc(0), Buffer.from('hello'), randomBytes(64), Buffer.alloc(4096, 0xff)]) {
      const outcome = answerOf(await post(p.port, { body, timeoutMs: 5000 }));
      if (outcome.status === 200) {
        const answer = decode(outcome.body);
        assert.ok(answer.operationIdOrStatus >= 0x0400, `an error status for ${body.length} bytes`);
      } else {
        assert.equal(outcome.status, 400, `${body.length} bytes`);
      }
    }
    assert.equal(p.store.size, 0);
    await assertStillServing(p);
  });
});
