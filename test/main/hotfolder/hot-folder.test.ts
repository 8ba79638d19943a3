import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { startHotFolder } from '../../../main/hotfolder/hot-folder.js';
import { createLogger } from '../../../main/log/logger.js';
import { openJobStore } from '../../../main/spool/job-store.js';
import { makePdf, sha256 } from '../../helpers/pdf.js';
import { tempDir } from '../../helpers/temp-dir.js';

async function setup(t: Parameters<typeof tempDir>[0], maxBytes = 1 << 20) {
  const data = tempDir(t);
  const dir = join(data, 'hotfolder');
  const { store } = await openJobStore({ dataDir: data });
  const hot = await startHotFolder({
    dir,
    store,
    log: createLogger({ dir: null, console: false }),
    maxBytes,
    owner: () => 'alice',
    stableMs: 200,
  });
  t.after(() => hot.close());
  await hot.ready;
  return { data, dir, store, hot };
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`timed out waiting for ${what}`);
}

describe('hot folder', () => {
  it('turns a dropped PDF into a job and removes the source only after', async (t) => {
    const { dir, store } = await setup(t);
    const pdf = await makePdf(2);
    writeFileSync(join(dir, 'invoice.pdf'), pdf);
    await until(() => store.size === 1 && !existsSync(join(dir, 'invoice.pdf')), 'the job');
    const job = store.list(1).jobs[0];
    assert.equal(job?.name, 'invoice.pdf');
    assert.equal(job?.pages, 2);
    assert.equal(job?.owner, 'alice');
    assert.equal(job?.sha256, sha256(pdf));
  });

  it('waits until a file stops growing before taking it', async (t) => {
    const { dir, store } = await setup(t);
    const pdf = await makePdf(1, { padBytes: 100_000 });
    const handle = await open(join(dir, 'slow.pdf'), 'w');
    for (let i = 0; i < pdf.length; i += 20_000) {
      await handle.write(pdf.subarray(i, i + 20_000));
      await new Promise((r) => setTimeout(r, 60));
      assert.equal(store.size, 0, 'taken while still growing');
    }
    await handle.close();
    await until(() => store.size === 1, 'the job');
    assert.equal(store.list(1).jobs[0]?.sha256, sha256(pdf));
  });

  it('moves a file that is not a valid PDF to rejected/ with a reason beside it', async (t) => {
    const { dir, store, hot } = await setup(t);
    writeFileSync(join(dir, 'notes.txt'), 'just text');
    writeFileSync(join(dir, 'broken.pdf'), '%PDF-1.7\ngarbage');
    await until(() => readdirSync(join(dir, 'rejected')).length === 4, 'the rejections');
    await hot.idle();
    assert.equal(store.size, 0);
    assert.match(readFileSync(join(dir, 'rejected', 'notes.txt.reason.txt'), 'utf8'), /not a PDF/i);
    assert.ok(readFileSync(join(dir, 'rejected', 'broken.pdf.reason.txt'), 'utf8').length > 10);
    assert.equal(readFileSync(join(dir, 'rejected', 'notes.txt'), 'utf8'), 'just text');
  });

  it('rejects a file over the size limit', async (t) => {
    const { dir, store } = await setup(t, 1000);
    writeFileSync(join(dir, 'big.pdf'), await makePdf(1, { padBytes: 5000 }));
    await until(() => existsSync(join(dir, 'rejected', 'big.pdf.reason.txt')), 'the rejection');
    assert.equal(store.size, 0);
  });

  it('does not follow a symlink dropped into it', async (t) => {
    const { dir, store } = await setup(t);
    const outside = tempDir(t);
    const target = join(outside, 'secret.pdf');
    writeFileSync(target, await makePdf(1));
    symlinkSync(target, join(dir, 'link.pdf'));
    await until(() => existsSync(join(dir, 'rejected', 'link.pdf.reason.txt')), 'the rejection');
    assert.equal(store.size, 0);
    assert.ok(existsSync(target));
  });

  it('takes files that were already there at start', async (t) => {
    const data = tempDir(t);
    const dir = join(data, 'hotfolder');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(dir);
    writeFileSync(join(dir, 'early.pdf'), await makePdf(1));
    const { store } = await openJobStore({ dataDir: data });
    const hot = await startHotFolder({
      dir,
      store,
      log: createLogger({ dir: null, console: false }),
      maxBytes: 1 << 20,
      owner: () => 'bob',
      stableMs: 100,
    });
    t.after(() => hot.close());
    await until(() => store.size === 1, 'the job');
  });
});
