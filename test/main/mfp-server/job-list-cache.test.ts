// The cached job list of the MFP job server (issue 5's p99): an encoded list is kept per grant and rebuilt
// after any change to the spool, so an MFP never sees a job that changed state, owner or spool mode, or was
// deleted; an MFP that still holds the current list (If-None-Match) gets 304.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createJobListCache } from '../../../main/mfp-server/job-list-cache.js';
import type { TicketGrant } from '../../../main/mfp-server/ticket.js';
import type { Job } from '../../../main/spool/job.js';
import { mfpRequest } from '../../helpers/mfp-client.js';
import type { MfpRequest, MfpResponse } from '../../helpers/mfp-client.js';
import { makePdf } from '../../helpers/pdf.js';
import { OTHER_USER, USER, startMfpSpooler } from './mfp-fixture.js';
import type { MfpSpooler } from './mfp-fixture.js';

function list(s: MfpSpooler, extra: Partial<MfpRequest> = {}): Promise<MfpResponse> {
  return mfpRequest({ port: s.port, pin: s.pin, path: '/v1/jobs', ticket: s.ticket(), ...extra });
}

/** The jobs of a 200 answer, each checked against the store's own Job (so a stale field shows). */
function jobsOf(s: MfpSpooler, res: MfpResponse): string[] {
  assert.equal(res.status, 200, res.body.toString('utf8'));
  const jobs = res.json<{ jobs: Job[] }>().jobs;
  for (const job of jobs) assert.deepEqual(job, s.spooler.store.get(job.id), `job ${job.id} as stored now`);
  return jobs.map((j) => j.id);
}

const grantOf = (sub: string, jobs: string[] | null = null): TicketGrant => ({
  sub,
  mfp: 'mfp-1',
  jobs: jobs === null ? null : new Set(jobs),
  exp: Math.floor(Date.now() / 1000) + 60,
});

describe('the cached MFP job list', () => {
  it('is built once per grant and kept until the spool changes', async (t) => {
    const s = await startMfpSpooler(t);
    const { store } = s.spooler;
    const pdf = await makePdf(1);
    const a = await s.addJob(pdf);
    const b = await s.addJob(pdf);
    const cache = createJobListCache(store);
    const first = cache.get(grantOf(USER));
    assert.equal(cache.get(grantOf(USER)), first, 'the same encoded list while nothing changed');
    await store.setOwner(a.id, USER); // already its owner: nothing is written
    assert.equal(cache.get(grantOf(USER)), first, 'a change that changes nothing keeps it');
    const limited = cache.get(grantOf(USER, [a.id]));
    assert.notEqual(limited.etag, first.etag, 'a ticket limited to some jobs has its own list');
    assert.deepEqual(
      JSON.parse(limited.body.toString('utf8')).jobs.map((j: Job) => j.id),
      [a.id],
    );
    await store.setState(b.id, 'printed');
    const after = cache.get(grantOf(USER));
    assert.notEqual(after, first, 'rebuilt after a change');
    assert.deepEqual(
      JSON.parse(after.body.toString('utf8')).jobs.map((j: Job) => j.id),
      [a.id],
    );
    assert.deepEqual(JSON.parse(cache.get(grantOf(OTHER_USER)).body.toString('utf8')), { jobs: [] });
  });

  it('never serves a stale list: every change to the spool shows in the next answer', async (t) => {
    const s = await startMfpSpooler(t);
    const { store } = s.spooler;
    const pdf = await makePdf(1);
    const a = await s.addJob(pdf);
    const b = await s.addJob(pdf, { state: 'ready' });
    let last = await list(s);
    assert.deepEqual(jobsOf(s, last), [b.id, a.id]);
    /** Applies a change, then expects `ids` (each as stored now) and a new ETag, even to If-None-Match. */
    const step = async (what: string, change: () => Promise<unknown>, ids: () => string[]) => {
      await change();
      const etag = String(last.headers.etag);
      const res = await list(s, { headers: { 'if-none-match': etag } });
      assert.deepEqual(jobsOf(s, res), ids(), what);
      assert.notEqual(res.headers.etag, etag, `${what}: a new ETag`);
      last = res;
    };
    await step(
      'held to ready',
      () => store.setState(a.id, 'ready'),
      () => [b.id, a.id],
    );
    await step(
      'released at an MFP',
      () => store.setState(b.id, 'printing'),
      () => [a.id],
    );
    await step(
      'back to waiting',
      () => store.setState(b.id, 'held'),
      () => [b.id, a.id],
    );
    await step(
      'given to another user',
      () => store.setOwner(a.id, OTHER_USER),
      () => [b.id],
    );
    await step(
      'given back',
      () => store.setOwner(a.id, USER),
      () => [b.id, a.id],
    );
    const registration = { jobId: 'srv-1', registeredAt: new Date().toISOString(), spool: 'cloud' as const };
    await step(
      'moved to the cloud',
      () => store.setServer(b.id, registration),
      () => [a.id],
    );
    await step(
      'deleted',
      () => store.remove(a.id),
      () => [],
    );
    let c = '';
    await step(
      'a new job',
      async () => (c = (await s.addJob(pdf)).id),
      () => [c],
    );
  });

  it('answers If-None-Match with the current ETag with 304 and no body', async (t) => {
    const s = await startMfpSpooler(t);
    await s.addJob(await makePdf(1));
    const full = await list(s);
    const etag = String(full.headers.etag);
    assert.match(etag, /^"[A-Za-z0-9_-]{27}"$/);
    for (const header of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
      for (const method of ['GET', 'HEAD']) {
        const res = await list(s, { method, headers: { 'if-none-match': header } });
        assert.equal(res.status, 304, `${method} If-None-Match: ${header}`);
        assert.equal(res.bytes, 0);
        assert.equal(res.headers.etag, etag);
        assert.equal(res.headers['cache-control'], 'no-store');
      }
    }
    const other = await list(s, { headers: { 'if-none-match': '"other"' } });
    assert.equal(other.status, 200, 'another ETag gets the list');
    assert.ok(other.body.equals(full.body));
    const refused = await list(s, { ticket: 'garbage', headers: { 'if-none-match': etag } });
    assert.equal(refused.status, 401, 'the ticket is checked first');
  });

  it("keeps each user's list apart", async (t) => {
    const s = await startMfpSpooler(t);
    const pdf = await makePdf(1);
    const mine = await s.addJob(pdf);
    const theirs = await s.addJob(pdf, { ownerId: OTHER_USER });
    const first = await list(s);
    assert.deepEqual(jobsOf(s, first), [mine.id]);
    s.trust.current = { ...(s.trust.current as NonNullable<typeof s.trust.current>), userId: OTHER_USER };
    const res = await list(s, {
      ticket: s.ticket({ sub: OTHER_USER }),
      headers: { 'if-none-match': String(first.headers.etag) },
    });
    assert.deepEqual(jobsOf(s, res), [theirs.id]);
    assert.equal((await list(s)).status, 401, "the first user's ticket no longer works");
  });
});
