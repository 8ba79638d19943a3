// Start-up recovery of the spool folder. Trusts nothing on disk: temp files of unfinished writes are removed,
// committed metadata whose document rename was cut short is rolled forward, jobs caught mid-upload or
// mid-print go back to waiting, and anything unexplained is moved aside to damaged/ with a reason, never
// deleted silently and never followed out of the spool.
import { closeSync, fstatSync, lstatSync, openSync, promises as fsp, readSync } from 'node:fs';
import type { Dirent } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-file.js';
import { READ_NOFOLLOW } from './file-system.js';
import type { FileSystem } from './file-system.js';
import { MAX_RECORD_BYTES, RecordError, parseRecord } from './job-record.js';
import type { JobRecord } from './job-record.js';

/** What recovery did, for the start-up log line. */
export interface RecoveryReport {
  jobs: number;
  tempFilesRemoved: number;
  rolledForward: number;
  failed: number;
  damaged: number;
  resumed: number;
  deletionsFinished: number;
}

/** Spool file names; every one is derived from a job id, never from a client. */
export const spoolNames = {
  record: (id: string) => `${id}.json`,
  recordTemp: (id: string) => `${id}.json.tmp`,
  document: (id: string) => `${id}.pdf`,
  documentTemp: (id: string) => `${id}.pdf.tmp`,
  tombstone: (id: string) => `${id}.del`,
};

const ENTRY = /^([0-9a-f]{32})\.(json|pdf|json\.tmp|pdf\.tmp|del)$/;
const CONCURRENCY = 32;

async function mapLimit<T>(items: T[], fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(CONCURRENCY, items.length) }, async () => {
    while (next < items.length) await fn(items[next++] as T);
  });
  await Promise.all(workers);
}

// Start-up reads are synchronous on purpose: nothing else runs yet, and 10,000 small reads through the
// thread pool cost several times more in round trips than the reads themselves (see `npm run bench`).
function readRecordFile(path: string): string {
  const fd = openSync(path, READ_NOFOLLOW);
  try {
    const { size } = fstatSync(fd);
    if (size > MAX_RECORD_BYTES) throw new RecordError(`the metadata file is ${size} bytes, over the limit`);
    const buf = Buffer.alloc(size);
    const bytesRead = readSync(fd, buf, 0, size, 0);
    return buf.subarray(0, bytesRead).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

interface Entries {
  kinds: Map<string, Set<string>>;
  strays: Array<{ name: string; reason: string }>;
}

function classify(dirents: Dirent[]): Entries {
  const kinds = new Map<string, Set<string>>();
  const strays: Array<{ name: string; reason: string }> = [];
  for (const d of dirents) {
    const m = ENTRY.exec(d.name);
    if (!d.isFile()) {
      strays.push({
        name: d.name,
        reason: 'not a regular file (a symlink, folder or device is never followed)',
      });
    } else if (!m) {
      strays.push({ name: d.name, reason: 'a file the spool did not create' });
    } else {
      const id = m[1] as string;
      let set = kinds.get(id);
      if (!set) kinds.set(id, (set = new Set()));
      set.add(m[2] as string);
    }
  }
  return { kinds, strays };
}

/** Recovers `spoolDir` and returns the valid records; moves the unexplained to `damagedDir`. */
export async function recoverSpool(
  fs: FileSystem,
  spoolDir: string,
  damagedDir: string,
  log: (message: string, meta?: Record<string, unknown>) => void,
): Promise<{ records: JobRecord[]; report: RecoveryReport }> {
  const report: RecoveryReport = {
    jobs: 0,
    tempFilesRemoved: 0,
    rolledForward: 0,
    failed: 0,
    damaged: 0,
    resumed: 0,
    deletionsFinished: 0,
  };
  const dirents = await fsp.readdir(spoolDir, { withFileTypes: true });
  const { kinds, strays } = classify(dirents);
  const records: JobRecord[] = [];
  let changed = false;

  async function moveAside(name: string, reason: string): Promise<void> {
    await fsp.mkdir(damagedDir, { recursive: true });
    const target = `${new Date().toISOString().replace(/[:.]/g, '-')}-${name}`;
    // rename moves a symlink itself, never its target.
    await fs.rename(join(spoolDir, name), join(damagedDir, target));
    await writeFileAtomic(
      fs,
      join(damagedDir, `${target}.reason.txt`),
      join(damagedDir, `${target}.reason.tmp`),
      `${reason}\n`,
      {
        syncDir: false,
      },
    );
    report.damaged++;
    changed = true;
    log('moved a damaged spool file aside', { file: name, reason });
  }

  async function remove(name: string): Promise<void> {
    await fs.unlink(join(spoolDir, name)).catch((err: { code?: string }) => {
      if (err.code !== 'ENOENT') throw err;
    });
    changed = true;
  }

  for (const s of strays) await moveAside(s.name, `Moved aside at start-up: ${s.reason}.`);

  await mapLimit([...kinds.entries()], async ([id, set]) => {
    if (set.has('del')) {
      // A deletion was under way: finish it.
      for (const k of ['pdf', 'json', 'json.tmp', 'pdf.tmp']) if (set.has(k)) await remove(`${id}.${k}`);
      await remove(spoolNames.tombstone(id));
      report.deletionsFinished++;
      return;
    }
    if (set.has('json.tmp')) {
      await remove(spoolNames.recordTemp(id));
      report.tempFilesRemoved++;
    }
    if (!set.has('json')) {
      if (set.has('pdf.tmp')) {
        await remove(spoolNames.documentTemp(id));
        report.tempFilesRemoved++;
      }
      if (set.has('pdf'))
        await moveAside(spoolNames.document(id), 'A document without metadata (its job record is missing).');
      return;
    }
    let record: JobRecord;
    try {
      record = parseRecord(readRecordFile(join(spoolDir, spoolNames.record(id))), id);
    } catch (err) {
      const why = err instanceof RecordError ? err.message : String((err as Error).message);
      await moveAside(spoolNames.record(id), `Unreadable job metadata: ${why}.`);
      if (set.has('pdf')) await moveAside(spoolNames.document(id), `Its metadata was unreadable: ${why}.`);
      if (set.has('pdf.tmp')) {
        await remove(spoolNames.documentTemp(id));
        report.tempFilesRemoved++;
      }
      return;
    }
    let update: Partial<JobRecord> | null = null;
    const docSize = (kind: 'pdf' | 'pdf.tmp'): number | null =>
      set.has(kind) ? lstatSync(join(spoolDir, `${id}.${kind}`)).size : null;
    let size = docSize('pdf');
    if (size === null && docSize('pdf.tmp') === record.size) {
      // The metadata is the commit point; the document was fsynced before it, only its rename was lost.
      await fs.rename(join(spoolDir, spoolNames.documentTemp(id)), join(spoolDir, spoolNames.document(id)));
      changed = true;
      size = record.size;
      report.rolledForward++;
    } else if (set.has('pdf.tmp')) {
      await remove(spoolNames.documentTemp(id));
      report.tempFilesRemoved++;
    }
    if (record.state !== 'failed' && size !== record.size) {
      const reason =
        size === null
          ? 'The document file is missing from the spool.'
          : `The document is ${size} bytes but ${record.size} were stored.`;
      update = { state: 'failed', reason };
      report.failed++;
    } else if (record.state === 'uploading' || record.state === 'printing') {
      update = { state: record.previousState ?? 'held' };
      report.resumed++;
    }
    if (update) {
      const { previousState: _dropped, ...rest } = record;
      record = { ...rest, ...update, updatedAt: new Date().toISOString() };
      await writeFileAtomic(
        fs,
        join(spoolDir, spoolNames.record(id)),
        join(spoolDir, spoolNames.recordTemp(id)),
        JSON.stringify(record),
        { syncDir: false },
      );
      changed = true;
      log('recovered a job at start-up', { job: id, state: record.state, reason: record.reason });
    }
    records.push(record);
  });

  if (changed) {
    await fs.fsyncDir(spoolDir);
    await fsp.mkdir(damagedDir, { recursive: true });
    await fs.fsyncDir(damagedDir);
  }
  report.jobs = records.length;
  return { records, report };
}
