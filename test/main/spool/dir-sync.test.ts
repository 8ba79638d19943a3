import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DirSync } from '../../../main/spool/dir-sync.js';
import { nodeFileSystem } from '../../../main/spool/file-system.js';
import type { FileSystem } from '../../../main/spool/file-system.js';

/** A folder fsync that waits until the test lets it finish, counting how many started. */
function gatedFs() {
  const gates: Array<{ open: () => void; fail: (e: Error) => void }> = [];
  const fs: FileSystem = {
    ...nodeFileSystem,
    fsyncDir: () => new Promise<void>((open, fail) => gates.push({ open, fail })),
  };
  return { fs, gates };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('shared folder fsync', () => {
  it('makes callers that arrive during an fsync share one fsync that starts after it', async () => {
    const { fs, gates } = gatedFs();
    const sync = new DirSync(fs, '/x');
    let firstDone = false;
    const first = sync.sync().then(() => (firstDone = true));
    const late = [sync.sync(), sync.sync(), sync.sync()];
    await tick();
    assert.equal(gates.length, 1, 'the late callers must not start their own fsync yet');
    gates[0]?.open();
    await first;
    assert.equal(firstDone, true);
    await tick();
    assert.equal(gates.length, 2, 'exactly one more fsync covers the three late callers');
    let lateDone = 0;
    for (const p of late) void p.then(() => lateDone++);
    await tick();
    assert.equal(lateDone, 0, 'late callers wait for the fsync that started after them');
    gates[1]?.open();
    await Promise.all(late);
    assert.equal(lateDone, 3);
  });

  it('fails every caller that relied on a failed fsync', async () => {
    const { fs, gates } = gatedFs();
    const sync = new DirSync(fs, '/x');
    const a = sync.sync();
    const b = sync.sync();
    gates[0]?.fail(new Error('EIO'));
    await assert.rejects(a, /EIO/);
    await tick();
    gates[1]?.fail(new Error('EIO again'));
    await assert.rejects(b, /EIO again/);
    const c = sync.sync();
    await tick();
    gates[2]?.open();
    await c;
  });
});
