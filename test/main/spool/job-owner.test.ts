// The owner user id of a job (issue 5): kept in the job's metadata, durable, set at login, absent from the
// public Job, and optional so that records written before it existed load as unowned.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, it } from 'node:test';
import { SpoolError } from '../../../main/spool/errors.js';
import { openJobStore } from '../../../main/spool/job-store.js';
import type { JobStore, NewJob } from '../../../main/spool/job-store.js';
import { tempDir } from '../../helpers/temp-dir.js';

async function put(store: JobStore, extra: Partial<NewJob> = {}) {
  const draft = await store.createDraft(1 << 20);
  await pipeline(Readable.from([Buffer.from('%PDF-1.4 owned')]), draft.stream);
  return store.commit(draft, { name: 'doc', owner: 'Alice (from IPP)', pages: 1, ...extra });
}

const recordOf = (dataDir: string, id: string) =>
  JSON.parse(readFileSync(join(dataDir, 'spool', `${id}.json`), 'utf8')) as Record<string, unknown>;

describe('job owner ids', () => {
  it('stores the owner id given at capture, keeps it through state changes and a restart, and never shows it in the Job', async (t) => {
    const dataDir = tempDir(t);
    const { store } = await openJobStore({ dataDir });
    const job = await put(store, { ownerId: 'user-42' });
    assert.equal(store.getRecord(job.id)?.ownerId, 'user-42');
    assert.equal('ownerId' in job, false, 'the public Job has no owner id');
    await store.setState(job.id, 'printing');
    await store.setState(job.id, 'ready');
    assert.equal(recordOf(dataDir, job.id).ownerId, 'user-42', 'on disk after state changes');
    await store.close();
    const { store: again, report } = await openJobStore({ dataDir });
    assert.equal(report.damaged, 0);
    assert.equal(again.getRecord(job.id)?.ownerId, 'user-42', 'after a restart');
  });

  it('sets and clears the owner of a stored job durably, without announcing a change', async (t) => {
    const dataDir = tempDir(t);
    const { store } = await openJobStore({ dataDir });
    const job = await put(store);
    assert.equal(store.getRecord(job.id)?.ownerId, undefined, 'captured while nobody was logged in');
    let changes = 0;
    store.on('changed', () => changes++);
    await store.setOwner(job.id, 'user-7');
    assert.equal(recordOf(dataDir, job.id).ownerId, 'user-7');
    assert.deepEqual(store.get(job.id), job, 'the public Job is unchanged');
    await store.setOwner(job.id, null);
    assert.equal('ownerId' in recordOf(dataDir, job.id), false);
    assert.equal(changes, 0);
    assert.deepEqual(
      readdirSync(join(dataDir, 'spool')).sort(),
      [`${job.id}.json`, `${job.id}.pdf`],
      'no temp file left',
    );
    await assert.rejects(store.setOwner('0'.repeat(32), 'user-7'), SpoolError);
    await assert.rejects(store.setOwner(job.id, ''), RangeError);
    await assert.rejects(store.setOwner(job.id, 'x'.repeat(129)), RangeError);
  });

  it('loads a record written before owner ids existed as unowned, and moves a record with a bad owner id aside', async (t) => {
    const dataDir = tempDir(t);
    const { store } = await openJobStore({ dataDir });
    const old = await put(store);
    const bad = await put(store);
    await store.close();
    const oldRecord = recordOf(dataDir, old.id);
    assert.equal('ownerId' in oldRecord, false, 'the old form has no field');
    writeFileSync(
      join(dataDir, 'spool', `${bad.id}.json`),
      JSON.stringify({ ...recordOf(dataDir, bad.id), ownerId: 7 }),
    );
    const { store: again, report } = await openJobStore({ dataDir });
    assert.equal(again.getRecord(old.id)?.ownerId, undefined);
    assert.equal(again.get(old.id)?.state, 'held');
    assert.equal(again.get(bad.id), undefined);
    assert.ok(report.damaged > 0, 'reported as damaged');
    assert.ok(
      readdirSync(join(dataDir, 'damaged')).some((f) => f.endsWith(`-${bad.id}.json`)),
      'kept in damaged/, not deleted',
    );
  });
});
