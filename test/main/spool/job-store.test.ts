import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, it } from 'node:test';
import { openJobStore } from '../../../main/spool/job-store.js';
import type { JobStore } from '../../../main/spool/job-store.js';
import { SpoolError } from '../../../main/spool/errors.js';
import { isJobId, newJobId } from '../../../main/spool/job.js';
import { sha256 } from '../../helpers/pdf.js';
import { tempDir } from '../../helpers/temp-dir.js';

async function put(store: JobStore, bytes: Buffer, name = 'doc', maxBytes = 1 << 20) {
  const draft = await store.createDraft(maxBytes);
  await pipeline(Readable.from([bytes]), draft.stream);
  return store.commit(draft, { name, owner: 'alice', pages: 1 });
}

const spoolFiles = (dataDir: string) => readdirSync(join(dataDir, 'spool')).sort();

describe('job store', () => {
  it('makes ids that are well formed and sort by creation', () => {
    const ids = Array.from({ length: 1000 }, () => newJobId(1_700_000_000_000));
    assert.ok(ids.every(isJobId));
    assert.deepEqual([...ids].sort(), ids);
    assert.equal(isJobId('../etc/passwd'), false);
    assert.equal(isJobId(`${ids[0]}x`), false);
  });

  it('stores a document with its metadata and names files only by id', async (t) => {
    const dir = tempDir(t);
    const { store } = await openJobStore({ dataDir: dir });
    const bytes = Buffer.from('%PDF-1.4 hello');
    const job = await put(store, bytes, '../../evil name.pdf');
    assert.equal(job.size, bytes.length);
    assert.equal(job.sha256, sha256(bytes));
    assert.equal(job.state, 'held');
    assert.equal(job.name, '../../evil name.pdf');
    assert.deepEqual(spoolFiles(dir), [`${job.id}.json`, `${job.id}.pdf`]);
    assert.deepEqual(readFileSync(join(dir, 'spool', `${job.id}.pdf`)), bytes);
    const { handle, size } = await store.openDocument(job.id);
    assert.equal(size, bytes.length);
    await handle.close();
  });

  it('lists newest first and pages through with a cursor', async (t) => {
    const { store } = await openJobStore({ dataDir: tempDir(t) });
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push((await put(store, Buffer.from(`doc ${i}`))).id);
    const first = store.list(3);
    assert.deepEqual(
      first.jobs.map((j) => j.id),
      ids.slice(4).reverse(),
    );
    const second = store.list(3, first.next);
    assert.deepEqual(
      second.jobs.map((j) => j.id),
      ids.slice(1, 4).reverse(),
    );
    const third = store.list(3, second.next);
    assert.deepEqual(
      third.jobs.map((j) => j.id),
      [ids[0]],
    );
    assert.equal(third.next, null);
  });

  it('refuses a document over the size limit and leaves nothing behind', async (t) => {
    const dir = tempDir(t);
    const { store } = await openJobStore({ dataDir: dir });
    const draft = await store.createDraft(10);
    await assert.rejects(pipeline(Readable.from([Buffer.alloc(11)]), draft.stream), (err: unknown) => {
      assert.ok(err instanceof SpoolError);
      assert.equal(err.code, 'too-large');
      return true;
    });
    await draft.abort();
    assert.deepEqual(spoolFiles(dir), []);
    assert.equal(store.size, 0);
  });

  it('makes a state change durable and announces it after', async (t) => {
    const dir = tempDir(t);
    const { store } = await openJobStore({ dataDir: dir });
    const job = await put(store, Buffer.from('x'));
    const seen: string[] = [];
    store.on('changed', (j) => {
      seen.push(j.state);
      const onDisk = JSON.parse(readFileSync(join(dir, 'spool', `${j.id}.json`), 'utf8')) as {
        state: string;
      };
      assert.equal(onDisk.state, j.state);
    });
    await store.setState(job.id, 'printing');
    await store.setState(job.id, 'printed');
    assert.deepEqual(seen, ['printing', 'printed']);
  });

  it('deletes a job and its document', async (t) => {
    const dir = tempDir(t);
    const { store } = await openJobStore({ dataDir: dir });
    const job = await put(store, Buffer.from('x'));
    assert.equal(await store.remove(job.id), true);
    assert.equal(await store.remove(job.id), false);
    assert.deepEqual(spoolFiles(dir), []);
    assert.equal(store.get(job.id), undefined);
  });

  it('lets two writers store jobs at the same time without clashing', async (t) => {
    const { store } = await openJobStore({ dataDir: tempDir(t) });
    const docs = Array.from({ length: 40 }, (_, i) => Buffer.from(`document number ${i} `.repeat(100 + i)));
    const jobs = await Promise.all(docs.map((d) => put(store, d)));
    assert.equal(new Set(jobs.map((j) => j.id)).size, 40);
    jobs.forEach((j, i) => assert.equal(j.sha256, sha256(docs[i] as Buffer)));
  });
});

describe('job store recovery at start', () => {
  async function seeded(t: Parameters<typeof tempDir>[0]) {
    const dir = tempDir(t);
    const { store } = await openJobStore({ dataDir: dir });
    const job = await put(store, Buffer.from('%PDF-1.4 body'));
    await store.close();
    return { dir, job, spool: join(dir, 'spool') };
  }

  it('removes temp files of writes that never committed', async (t) => {
    const { dir, spool } = await seeded(t);
    const orphan = newJobId();
    writeFileSync(join(spool, `${orphan}.pdf.tmp`), 'half a document');
    writeFileSync(join(spool, `${orphan}.json.tmp`), '{"v":1,');
    const { store, report } = await openJobStore({ dataDir: dir });
    assert.equal(report.tempFilesRemoved, 2);
    assert.equal(store.size, 1);
    assert.ok(spoolFiles(dir).every((f) => !f.endsWith('.tmp')));
  });

  it('rolls a committed job forward when only the document rename was lost', async (t) => {
    const { dir, spool, job } = await seeded(t);
    const { renameSync } = await import('node:fs');
    renameSync(join(spool, `${job.id}.pdf`), join(spool, `${job.id}.pdf.tmp`));
    const { store, report } = await openJobStore({ dataDir: dir });
    assert.equal(report.rolledForward, 1);
    assert.equal(store.get(job.id)?.state, 'held');
    assert.ok(existsSync(join(spool, `${job.id}.pdf`)));
  });

  it('keeps metadata without a valid document as a failed job with a reason', async (t) => {
    const { dir, spool, job } = await seeded(t);
    const { unlinkSync } = await import('node:fs');
    unlinkSync(join(spool, `${job.id}.pdf`));
    const { store, report } = await openJobStore({ dataDir: dir });
    assert.equal(report.failed, 1);
    assert.equal(store.get(job.id)?.state, 'failed');
    assert.match(store.getRecord(job.id)?.reason ?? '', /missing/);
  });

  it('moves a document without metadata aside to damaged/ with a reason', async (t) => {
    const { dir, spool } = await seeded(t);
    const stray = newJobId();
    writeFileSync(join(spool, `${stray}.pdf`), '%PDF-1.4 orphan');
    const { store, report } = await openJobStore({ dataDir: dir });
    assert.equal(report.damaged, 1);
    assert.equal(store.size, 1);
    const damaged = readdirSync(join(dir, 'damaged'));
    assert.equal(damaged.length, 2);
    const reason = damaged.find((f) => f.endsWith('.reason.txt')) as string;
    assert.match(readFileSync(join(dir, 'damaged', reason), 'utf8'), /without metadata/);
  });

  it('moves a truncated metadata file and its document aside', async (t) => {
    const { dir, spool, job } = await seeded(t);
    const path = join(spool, `${job.id}.json`);
    writeFileSync(path, readFileSync(path, 'utf8').slice(0, 40));
    const { store, report } = await openJobStore({ dataDir: dir });
    assert.equal(store.size, 0);
    assert.equal(report.damaged, 2);
    assert.deepEqual(spoolFiles(dir), []);
  });

  it('moves aside metadata naming a path outside the spool and never follows it', async (t) => {
    const { dir, spool, job } = await seeded(t);
    const canary = join(dir, 'canary.txt');
    writeFileSync(canary, 'canary');
    const path = join(spool, `${job.id}.json`);
    const record = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    record.document = '../canary.txt';
    writeFileSync(path, JSON.stringify(record));
    const { store } = await openJobStore({ dataDir: dir });
    assert.equal(store.size, 0);
    assert.equal(readFileSync(canary, 'utf8'), 'canary');
    assert.ok(readdirSync(join(dir, 'damaged')).some((f) => f.endsWith(`${job.id}.json`)));
  });

  it('moves a symlink planted in the spool aside without touching its target', async (t) => {
    const { dir, spool, job } = await seeded(t);
    const outside = tempDir(t);
    const canary = join(outside, 'canary.txt');
    writeFileSync(canary, 'canary');
    const { unlinkSync } = await import('node:fs');
    unlinkSync(join(spool, `${job.id}.pdf`));
    symlinkSync(canary, join(spool, `${job.id}.pdf`));
    symlinkSync(canary, join(spool, 'planted'));
    const { store } = await openJobStore({ dataDir: dir });
    assert.equal(store.get(job.id)?.state, 'failed');
    assert.equal(readFileSync(canary, 'utf8'), 'canary');
    assert.equal(await store.remove(job.id), true);
    assert.equal(readFileSync(canary, 'utf8'), 'canary');
  });

  it('returns jobs caught uploading or printing to their waiting state', async (t) => {
    const dir = tempDir(t);
    const { store } = await openJobStore({ dataDir: dir });
    const a = await put(store, Buffer.from('a'));
    const b = await put(store, Buffer.from('b'));
    await store.setState(b.id, 'ready');
    await store.setState(a.id, 'uploading');
    await store.setState(b.id, 'printing');
    await store.close();
    const { store: again, report } = await openJobStore({ dataDir: dir });
    assert.equal(report.resumed, 2);
    assert.equal(again.get(a.id)?.state, 'held');
    assert.equal(again.get(b.id)?.state, 'ready');
  });

  it('finishes a deletion that was cut short', async (t) => {
    const { dir, spool, job } = await seeded(t);
    const { renameSync } = await import('node:fs');
    renameSync(join(spool, `${job.id}.json`), join(spool, `${job.id}.del`));
    const { store, report } = await openJobStore({ dataDir: dir });
    assert.equal(report.deletionsFinished, 1);
    assert.equal(store.size, 0);
    assert.deepEqual(spoolFiles(dir), []);
  });

  it('moves a folder or unknown file in the spool aside', async (t) => {
    const { dir, spool } = await seeded(t);
    mkdirSync(join(spool, 'sub'));
    writeFileSync(join(spool, 'notes.txt'), 'x');
    const { report } = await openJobStore({ dataDir: dir });
    assert.equal(report.damaged, 2);
  });
});
