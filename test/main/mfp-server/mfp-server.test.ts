// The MFP job server over a real socket (issue 5): an MFP pins the certificate, lists its user's waiting jobs
// and fetches their PDFs (whole, by range, HEAD) with a server-signed ticket; everything else is refused with
// one fixed answer per cause (401 ticket, 404 job, 421 Host).
import assert from 'node:assert/strict';
import { X509Certificate, createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Ajv } from 'ajv';
import { jobListSchema, mfpErrorSchema } from '../../../main/mfp-server/schemas.js';
import type { Job } from '../../../main/spool/job.js';
import { createTicketSigner } from '../../../server-stub/src/services/ticket-signer.js';
import { PinMismatchError, mfpRequest } from '../../helpers/mfp-client.js';
import type { MfpRequest, MfpResponse } from '../../helpers/mfp-client.js';
import { makePdf, sha256 } from '../../helpers/pdf.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { allowedFor, idCorpus } from '../../helpers/traversal-corpus.js';
import { DESK, OTHER_USER, USER, startMfpSpooler } from './mfp-fixture.js';
import type { MfpSpooler } from './mfp-fixture.js';

const ajv = new Ajv({ strict: false });
const validList = ajv.compile(jobListSchema);
const validError = ajv.compile(mfpErrorSchema);

function get(s: MfpSpooler, path: string, extra: Partial<MfpRequest> = {}): Promise<MfpResponse> {
  return mfpRequest({ port: s.port, pin: s.pin, path, ticket: s.ticket(), ...extra });
}

function ids(res: MfpResponse): string[] {
  assert.equal(res.status, 200, res.body.toString('utf8'));
  assert.ok(validList(res.json()), `the list matches its schema: ${ajv.errorsText(validList.errors)}`);
  return res.json<{ jobs: Job[] }>().jobs.map((j) => j.id);
}

function assertRefusal(res: MfpResponse, status: number, what: string): Record<string, unknown> {
  assert.equal(res.status, status, `${what}: ${res.status} ${res.body.toString('utf8').slice(0, 200)}`);
  const body = res.json();
  assert.ok(validError(body), `${what}: the refusal is { error, message }`);
  return body;
}

describe('the MFP job server', () => {
  it('serves HTTPS with the certificate whose SHA-256 the spooler reports, kept 0600 in the data dir', async (t) => {
    const s = await startMfpSpooler(t);
    assert.equal(s.spooler.mfp.scheme, 'https');
    assert.match(s.pin ?? '', /^[0-9a-f]{64}$/);
    const pem = readFileSync(join(s.dataDir, 'mfp-tls.pem'), 'utf8');
    const cert = new X509Certificate(pem.slice(pem.indexOf('-----BEGIN CERTIFICATE-----')));
    assert.equal(
      createHash('sha256').update(cert.raw).digest('hex'),
      s.pin,
      'the pin is the stored certificate',
    );
    const res = await get(s, '/v1/jobs');
    assert.equal(res.peerSha256, s.pin, 'the server presents that certificate');
    assert.equal(res.status, 200);
    await assert.rejects(
      mfpRequest({ port: s.port, pin: 'ab'.repeat(32), path: '/v1/jobs', ticket: s.ticket() }),
      PinMismatchError,
      'an MFP with another pin sends nothing',
    );
  });

  it("lists only the ticket user's waiting local jobs, newest first, as the design's Job", async (t) => {
    const s = await startMfpSpooler(t);
    const pdf = await makePdf(1);
    const held = await s.addJob(pdf);
    const ready = await s.addJob(pdf, { state: 'ready' });
    const printed = await s.addJob(pdf);
    await s.spooler.store.setState(printed.id, 'printed');
    const printing = await s.addJob(pdf);
    await s.spooler.store.setState(printing.id, 'printing');
    const failed = await s.addJob(pdf);
    await s.spooler.store.setState(failed.id, 'failed');
    await s.addJob(pdf, { ownerId: OTHER_USER });
    await s.addJob(pdf, { ownerId: null });
    const newest = await s.addJob(pdf, { name: 'newest.pdf' });
    assert.deepEqual(ids(await get(s, '/v1/jobs')), [newest.id, ready.id, held.id]);
    const listed = (await get(s, '/v1/jobs')).json<{ jobs: Job[] }>().jobs[0];
    assert.deepEqual(listed, s.spooler.store.get(newest.id), 'the Job JSON of the control API');
  });

  it('serves a job once its owner is set at login, and never an unowned one', async (t) => {
    const s = await startMfpSpooler(t);
    const pdf = await makePdf(1);
    const job = await s.addJob(pdf, { ownerId: null });
    assert.deepEqual(ids(await get(s, '/v1/jobs')), []);
    assertRefusal(await get(s, `/v1/jobs/${job.id}/document`), 404, 'unowned');
    await s.spooler.store.setOwner(job.id, USER);
    assert.deepEqual(ids(await get(s, '/v1/jobs')), [job.id]);
    assert.equal((await get(s, `/v1/jobs/${job.id}/document`)).sha256, sha256(pdf));
  });

  it('limits the list and the documents to the jobs a ticket names', async (t) => {
    const s = await startMfpSpooler(t);
    const pdf = await makePdf(1);
    const a = await s.addJob(pdf);
    const b = await s.addJob(pdf);
    const ticket = s.ticket({ jobs: [a.id] });
    assert.deepEqual(ids(await get(s, '/v1/jobs', { ticket })), [a.id]);
    assert.equal((await get(s, `/v1/jobs/${a.id}/document`, { ticket })).status, 200);
    assertRefusal(await get(s, `/v1/jobs/${b.id}/document`, { ticket }), 404, 'not in the ticket');
    assert.deepEqual(ids(await get(s, '/v1/jobs')), [b.id, a.id], 'a ticket without jobs covers all');
  });

  it('streams the stored bytes with their length, type, an ETag and a file name that is the id', async (t) => {
    const s = await startMfpSpooler(t);
    const pdf = await makePdf(3, { padBytes: 300_000 });
    const job = await s.addJob(pdf, { name: '../../evil "name";.pdf' });
    const res = await get(s, `/v1/jobs/${job.id}/document`);
    assert.equal(res.status, 200);
    assert.equal(res.sha256, sha256(pdf), 'byte-identical');
    assert.equal(res.headers['content-type'], 'application/pdf');
    assert.equal(res.headers['content-length'], String(pdf.length));
    assert.equal(res.headers['accept-ranges'], 'bytes');
    assert.equal(res.headers.etag, `"${job.sha256}"`);
    assert.equal(res.headers['content-disposition'], `attachment; filename="${job.id}.pdf"`);
    assert.equal(res.headers['cache-control'], 'no-store');
  });

  it('answers one byte range with 206, ignores what it does not serve, and refuses a range past the end with 416', async (t) => {
    const s = await startMfpSpooler(t);
    const pdf = await makePdf(1, { padBytes: 50_000 });
    const job = await s.addJob(pdf);
    const size = pdf.length;
    const path = `/v1/jobs/${job.id}/document`;
    const partial: Array<[string, number, number]> = [
      ['bytes=0-99', 0, 99],
      ['bytes=-100', size - 100, size - 1],
      ['bytes=1000-', 1000, size - 1],
      [`bytes=10-${size * 10}`, 10, size - 1],
      [`bytes=-${size * 2}`, 0, size - 1],
      [`bytes=${size - 1}-${size - 1}`, size - 1, size - 1],
      ['BYTES=5-9', 5, 9],
    ];
    for (const [range, start, end] of partial) {
      const res = await get(s, path, { headers: { range } });
      assert.equal(res.status, 206, range);
      assert.equal(res.headers['content-range'], `bytes ${start}-${end}/${size}`, range);
      assert.equal(res.headers['content-length'], String(end - start + 1), range);
      assert.ok(res.body.equals(pdf.subarray(start, end + 1)), `${range}: the bytes of that range`);
    }
    // Several ranges, another unit or a malformed range: the whole document (RFC 9110, 14.2).
    for (const range of ['bytes=0-1,5-6', 'items=0-1', 'bytes=9-5', 'bytes=abc', 'bytes=-']) {
      const res = await get(s, path, { headers: { range } });
      assert.equal(res.status, 200, range);
      assert.equal(res.sha256, sha256(pdf), `${range}: the whole document`);
    }
    for (const range of [`bytes=${size}-`, `bytes=${size + 5}-${size + 10}`, 'bytes=-0']) {
      const res = await get(s, path, { headers: { range } });
      assertRefusal(res, 416, range);
      assert.equal(res.headers['content-range'], `bytes */${size}`, range);
    }
    const resumed = await get(s, path, { headers: { range: 'bytes=100-', 'if-range': `"${job.sha256}"` } });
    assert.equal(resumed.status, 206, 'If-Range with the current ETag resumes');
    const changed = await get(s, path, { headers: { range: 'bytes=100-', 'if-range': '"another"' } });
    assert.equal(changed.status, 200, 'If-Range with another ETag gets the whole document');
    assert.equal(changed.sha256, sha256(pdf));
  });

  it('answers HEAD with the headers of GET and no body', async (t) => {
    const s = await startMfpSpooler(t);
    const pdf = await makePdf(1);
    const job = await s.addJob(pdf);
    const path = `/v1/jobs/${job.id}/document`;
    const head = await get(s, path, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.bytes, 0);
    assert.equal(head.headers['content-length'], String(pdf.length));
    assert.equal(head.headers['content-type'], 'application/pdf');
    const ranged = await get(s, path, { method: 'HEAD', headers: { range: 'bytes=0-9' } });
    assert.equal(ranged.status, 206);
    assert.equal(ranged.headers['content-range'], `bytes 0-9/${pdf.length}`);
    assert.equal(ranged.bytes, 0);
    const list = await get(s, '/v1/jobs', { method: 'HEAD' });
    assert.equal(list.status, 200);
    assert.equal(list.bytes, 0);
    assert.equal(Number(list.headers['content-length']), (await get(s, '/v1/jobs')).bytes);
    const missing = await get(s, `/v1/jobs/${'0'.repeat(32)}/document`, { method: 'HEAD' });
    assert.equal(missing.status, 404);
    assert.equal(missing.bytes, 0);
  });

  it("answers one 404 for another user's job, an unknown job and a job that is not waiting", async (t) => {
    const s = await startMfpSpooler(t);
    const pdf = await makePdf(1);
    const others = await s.addJob(pdf, { ownerId: OTHER_USER });
    const printed = await s.addJob(pdf);
    await s.spooler.store.setState(printed.id, 'printed');
    const bodies = [
      assertRefusal(await get(s, `/v1/jobs/${others.id}/document`), 404, "another user's job"),
      assertRefusal(await get(s, `/v1/jobs/${'0'.repeat(32)}/document`), 404, 'an unknown job'),
      assertRefusal(await get(s, `/v1/jobs/${printed.id}/document`), 404, 'a printed job'),
      assertRefusal(await get(s, '/v1/jobs/not-an-id/document'), 404, 'a malformed id'),
    ];
    for (const body of bodies) assert.deepEqual(body, bodies[0], 'the same body');
    // The other user, logged in and with a ticket of their own, gets it.
    s.trust.current = { ...(s.trust.current as NonNullable<typeof s.trust.current>), userId: OTHER_USER };
    const theirs = await get(s, `/v1/jobs/${others.id}/document`, { ticket: s.ticket({ sub: OTHER_USER }) });
    assert.equal(theirs.status, 200);
  });

  it('answers every missing, expired, forged, other-user, other-desktop or logged-out ticket with one 401', async (t) => {
    const s = await startMfpSpooler(t);
    const job = await s.addJob(await makePdf(1));
    const past = createTicketSigner({ dataDir: s.serverDir, now: () => Date.now() - 10 * 60_000 });
    const stranger = createTicketSigner({ dataDir: tempDir(t) });
    const good = s.ticket();
    const [head = '', sig = ''] = good.split('.');
    const forged = `${head}.${Buffer.from(sig, 'base64url').reverse().toString('base64url')}`;
    const tickets: Array<[string, string | undefined]> = [
      ['none', undefined],
      ['garbage', 'garbage'],
      ['oversized', `${'A'.repeat(5000)}.${sig}`],
      ['expired', past.sign({ desk: DESK, mfp: 'mfp-1', sub: USER, ttlSeconds: 300 }).ticket],
      ['forged', forged],
      ["another server's", stranger.sign({ desk: DESK, mfp: 'mfp-1', sub: USER, ttlSeconds: 60 }).ticket],
      ['another user', s.ticket({ sub: OTHER_USER })],
      ['another desktop', s.ticket({ desk: 'desk-2' })],
    ];
    const bodies: Array<Record<string, unknown>> = [];
    for (const path of ['/v1/jobs', `/v1/jobs/${job.id}/document`, '/v1/nowhere']) {
      for (const [what, ticket] of tickets) {
        const res = await mfpRequest({ port: s.port, pin: s.pin, path, ...(ticket ? { ticket } : {}) });
        bodies.push(assertRefusal(res, 401, `${what} on ${path}`));
        assert.equal(res.headers['www-authenticate'], 'Bearer');
      }
      const basic = await get(s, path, { headers: { authorization: `Basic ${good}` }, ticket: undefined });
      bodies.push(assertRefusal(basic, 401, `Basic on ${path}`));
    }
    s.trust.current = null;
    bodies.push(assertRefusal(await get(s, '/v1/jobs'), 401, 'nobody logged in'));
    for (const body of bodies) assert.deepEqual(body, bodies[0], 'one body for every cause');
    assert.equal(bodies[0]?.error, 'unauthorized');
  });

  it('refuses a Host that is not an announced address with 421, ticket or not', async (t) => {
    const s = await startMfpSpooler(t);
    for (const host of [
      'evil.example',
      `evil.example:${s.port}`,
      `127.0.0.1:${s.port + 1}`,
      '127.0.0.1',
      null,
    ]) {
      const res = await get(s, '/v1/jobs', { host });
      assertRefusal(res, 421, `Host ${host}`);
    }
    assert.equal((await get(s, '/v1/jobs', { host: `localhost:${s.port}` })).status, 200);
    assert.equal((await get(s, '/v1/jobs', { host: `[::1]:${s.port}` })).status, 200);
    for (const host of s.spooler.mfp.hosts()) {
      assert.equal((await get(s, '/v1/jobs', { host })).status, 200, `announced ${host}`);
    }
  });

  it('only reads: other methods get 405 and a request body 400', async (t) => {
    const s = await startMfpSpooler(t);
    const job = await s.addJob(await makePdf(1));
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
      const res = await get(s, `/v1/jobs/${job.id}/document`, { method });
      assertRefusal(res, 405, method);
      assert.equal(res.headers.allow, 'GET, HEAD');
    }
    assertRefusal(await get(s, `/v1/jobs/${job.id}/printed`, { method: 'POST' }), 404, 'no printed route');
    const withBody = await get(s, '/v1/jobs', { headers: { 'transfer-encoding': 'chunked' } });
    assertRefusal(withBody, 400, 'a body');
    assert.equal(s.spooler.store.get(job.id)?.state, 'held', 'nothing changed the job');
  });

  it('refuses every id of the traversal corpus and never serves a document for it', async (t) => {
    const s = await startMfpSpooler(t);
    const pdf = await makePdf(1);
    const real = await s.addJob(pdf);
    for (const segment of idCorpus(real.id)) {
      for (const path of [`/v1/jobs/${segment}/document`, `/v1/jobs/${segment}`]) {
        const res = await get(s, path);
        assert.ok(
          allowedFor(segment).includes(res.status),
          `${path.slice(0, 120)}: ${res.status} ${res.body.toString('utf8').slice(0, 100)}`,
        );
        assert.ok(
          !res.body.subarray(0, 5).equals(Buffer.from('%PDF-')),
          `${path.slice(0, 120)} served no PDF`,
        );
      }
    }
    assert.equal(
      (await get(s, `/v1/jobs/${real.id}/document`)).sha256,
      sha256(pdf),
      'the real job still serves',
    );
  });

  it('serves plain HTTP with --mfp-insecure-http, with no certificate to pin', async (t) => {
    const s = await startMfpSpooler(t, ['--mfp-insecure-http']);
    assert.equal(s.spooler.mfp.scheme, 'http');
    assert.equal(s.pin, null);
    assert.equal(existsSync(join(s.dataDir, 'mfp-tls.pem')), false, 'no certificate is made');
    const pdf = await makePdf(1);
    const job = await s.addJob(pdf);
    assert.deepEqual(ids(await get(s, '/v1/jobs')), [job.id]);
    assert.equal((await get(s, `/v1/jobs/${job.id}/document`)).sha256, sha256(pdf));
    assert.equal((await get(s, '/v1/jobs', { ticket: 'garbage' })).status, 401, 'tickets are still checked');
    await assert.rejects(
      mfpRequest({ port: s.port, pin: 'ab'.repeat(32), path: '/v1/jobs' }),
      'a TLS client gets no TLS',
    );
  });
});
