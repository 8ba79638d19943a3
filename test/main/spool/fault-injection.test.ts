import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, it } from 'node:test';
import { SpoolError } from '../../../main/spool/errors.js';
import { nodeFileSystem } from '../../../main/spool/file-system.js';
import type { FileSystem } from '../../../main/spool/file-system.js';
import { openJobStore } from '../../../main/spool/job-store.js';
import type { JobStore } from '../../../main/spool/job-store.js';
import { sha256 } from '../../helpers/pdf.js';
import { tempDir } from '../../helpers/temp-dir.js';

type Op = 'fsync' | 'rename' | 'write' | 'fsyncDir';

/** The real file system, except that the `failOn`-th call of `op` (counted from arming) fails with `code`. */
function faultyFs(): {
  fs: FileSystem;
  arm(op: Op, failOn: number, code?: string): void;
  fsyncsOf: Map<unknown, number>;
} {
  let armed: { op: Op; left: number; code: string } | null = null;
  const fsyncsOf = new Map<unknown, number>();
  const maybeFail = (op: Op) => {
    if (!armed || armed.op !== op) return;
    if (--armed.left === 0) {
      const code = armed.code;
      armed = null;
      throw Object.assign(new Error(`injected ${code} on ${op}`), { code });
    }
  };
  const fs: FileSystem = {
    ...nodeFileSystem,
    async write(h, b, at) {
      maybeFail('write');
      return nodeFileSystem.write(h, b, at);
    },
    async fsync(h) {
      fsyncsOf.set(h, (fsyncsOf.get(h) ?? 0) + 1);
      maybeFail('fsync');
      return nodeFileSystem.fsync(h);
    },
    async rename(a, b) {
      maybeFail('rename');
      return nodeFileSystem.rename(a, b);
    },
    async fsyncDir(d) {
      maybeFail('fsyncDir');
      return nodeFileSystem.fsyncDir(d);
    },
  };
  return { fs, arm: (op, failOn, code = 'EIO') => (armed = { op, left: failOn, code }), fsyncsOf };
}

async function put(store: JobStore, bytes: Buffer) {
  const draft = await store.createDraft(1 << 20);
  try {
    await pipeline(Readable.from([bytes]), draft.stream);
  } catch (err) {
    await draft.abort();
    throw err;
  }
  return store.commit(draft, { name: 'doc', owner: 'alice', pages: 1 });
}

describe('fault injection at the file-system seam', () => {
  const cases: Array<[Op, number]> = [
    ['fsync', 1], // the document
    ['fsync', 2], // the metadata
    ['rename', 1], // the metadata into place
    ['rename', 2], // the document into place
    ['fsyncDir', 1], // the folder
    ['write', 1],
  ];
  for (const [op, n] of cases) {
    it(`fails the submission when ${op} call ${n} fails and leaves no partial job`, async (t) => {
      const dir = tempDir(t);
      const faulty = faultyFs();
      const { store } = await openJobStore({ dataDir: dir, fs: faulty.fs });
      const kept = await put(store, Buffer.from('an earlier job'));
      faulty.arm(op, n);
      await assert.rejects(put(store, Buffer.from('the new job')), (err: unknown) => {
        assert.ok(err instanceof SpoolError, `got ${String(err)}`);
        assert.ok(['storage', 'disk-full'].includes(err.code));
        assert.match(err.message, /nothing was kept|try again/);
        return true;
      });
      assert.equal(store.size, 1);
      for (const count of faulty.fsyncsOf.values()) assert.ok(count <= 1, 'a descriptor was fsynced twice');
      await store.close();
      const { store: again } = await openJobStore({ dataDir: dir });
      assert.deepEqual(
        again.list(10).jobs.map((j) => j.id),
        [kept.id],
      );
      assert.equal(again.get(kept.id)?.sha256, sha256('an earlier job'));
      assert.deepEqual(readdirSync(join(dir, 'spool')).sort(), [`${kept.id}.json`, `${kept.id}.pdf`]);
    });
  }

  it('reports a full disk as such, with what to do', async (t) => {
    const faulty = faultyFs();
    const { store } = await openJobStore({ dataDir: tempDir(t), fs: faulty.fs });
    faulty.arm('write', 1, 'ENOSPC');
    await assert.rejects(put(store, Buffer.from('x')), (err: unknown) => {
      assert.ok(err instanceof SpoolError);
      assert.equal(err.code, 'disk-full');
      assert.match(err.message, /disk is full/);
      return true;
    });
  });

  it('keeps the old state when saving a state change fails', async (t) => {
    const faulty = faultyFs();
    const { store } = await openJobStore({ dataDir: tempDir(t), fs: faulty.fs });
    const job = await put(store, Buffer.from('x'));
    faulty.arm('rename', 1);
    await assert.rejects(store.setState(job.id, 'printed'), SpoolError);
    assert.equal(store.get(job.id)?.state, 'held');
  });
});
