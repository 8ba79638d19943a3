// The spool store: jobs as `<id>.pdf` + `<id>.json` in one folder, written so that an acknowledged job
// survives kill -9 and nothing half-written is ever listed.
//
// Commit protocol (the metadata rename is the commit point):
//   1. document -> `<id>.pdf.tmp` (exclusive create), fsync, close          (draft.finish)
//   2. metadata -> `<id>.json.tmp`, fsync, close, rename to `<id>.json`
//   3. rename `<id>.pdf.tmp` -> `<id>.pdf`
//   4. fsync the folder (fsync(2): the new names need their own fsync)
// Recovery rolls 3 forward when 2 happened, and removes temp files otherwise.
import { EventEmitter } from 'node:events';
import { promises as fsp } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-file.js';
import { DirSync } from './dir-sync.js';
import { openDraft } from './draft.js';
import type { Draft, DraftDocument } from './draft.js';
import { SpoolError, storageError } from './errors.js';
import { READ_NOFOLLOW, nodeFileSystem } from './file-system.js';
import type { FileSystem } from './file-system.js';
import { JobIndex } from './job-index.js';
import { newJobId, DEFAULT_JOB_OPTIONS } from './job.js';
import type { Job, JobOptions, JobState, SpoolMode, WaitingState } from './job.js';
import { MAX_OWNER_ID_LENGTH, toJob } from './job-record.js';
import type { JobRecord, ServerRegistration } from './job-record.js';
import { recoverSpool, spoolNames } from './recovery.js';
import type { RecoveryReport } from './recovery.js';

/** What the submitter tells about a new job; everything else the store works out. */
export interface NewJob {
  name: string;
  owner: string;
  pages: number;
  options?: Partial<JobOptions>;
  spool?: SpoolMode;
  state?: WaitingState;
  /** Identity of the hot-folder file the job came from. */
  source?: string;
  /** "job-id" given by the virtual IPP printer. */
  ippJobId?: number;
  /** The server's id of the owning user, when someone is logged in at capture (see JobRecord.ownerId). */
  ownerId?: string;
}

/** Events the store emits after each change is durable. */
export interface JobStoreEvents {
  added: [Job];
  changed: [Job];
  removed: [string];
}

/** Dependencies and settings of the store. */
export interface JobStoreOptions {
  dataDir: string;
  fs?: FileSystem;
  log?: (message: string, meta?: Record<string, unknown>) => void;
  now?: () => number;
}

/** The spool store. Create with `openJobStore`. */
export class JobStore extends EventEmitter<JobStoreEvents> {
  readonly spoolDir: string;
  readonly damagedDir: string;
  private readonly fs: FileSystem;
  private readonly log: (message: string, meta?: Record<string, unknown>) => void;
  private readonly now: () => number;
  private readonly index = new JobIndex();
  private readonly locks = new Map<string, Promise<unknown>>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly dirSync: DirSync;
  private closed = false;
  private changes = 0;

  constructor(options: JobStoreOptions) {
    super();
    this.spoolDir = join(options.dataDir, 'spool');
    this.damagedDir = join(options.dataDir, 'damaged');
    this.fs = options.fs ?? nodeFileSystem;
    this.log = options.log ?? (() => undefined);
    this.now = options.now ?? Date.now;
    this.dirSync = new DirSync(this.fs, this.spoolDir);
  }

  /** Creates the folders, recovers what a previous run left and builds the index. */
  async open(): Promise<RecoveryReport> {
    await fsp.mkdir(this.spoolDir, { recursive: true, mode: 0o700 });
    const { records, report } = await recoverSpool(this.fs, this.spoolDir, this.damagedDir, this.log);
    for (const r of records) this.index.set(r);
    return report;
  }

  /**
   * Grows with every change to the index, announced or not (setOwner is not): what is derived from the
   * records (the MFP server's cached job lists) is current exactly while this number is unchanged.
   */
  get revision(): number {
    return this.changes;
  }

  /** Number of jobs in the spool. */
  get size(): number {
    return this.index.size;
  }

  /** Starts a new document; pipe the bytes into `draft.stream`, then `finish()` and `commit()`, or `abort()`. */
  async createDraft(maxBytes: number): Promise<Draft> {
    this.assertOpen();
    const id = newJobId(this.now());
    return openDraft(this.fs, id, join(this.spoolDir, spoolNames.documentTemp(id)), maxBytes);
  }

  /** Makes a finished draft a job: durable before this resolves, announced after. Aborts the draft on failure. */
  commit(draft: Draft, job: NewJob): Promise<Job> {
    return this.track(this.commitNow(draft, job));
  }

  private async commitNow(draft: Draft, job: NewJob): Promise<Job> {
    this.assertOpen();
    let doc: DraftDocument;
    try {
      doc = await draft.finish();
    } catch (err) {
      await draft.abort();
      throw err;
    }
    const id = draft.id;
    const at = new Date(this.now()).toISOString();
    const record: JobRecord = {
      v: 1,
      id,
      name: job.name,
      owner: job.owner,
      pages: job.pages,
      size: doc.size,
      sha256: doc.sha256,
      format: 'application/pdf',
      state: job.state ?? 'held',
      spool: job.spool ?? 'local',
      createdAt: at,
      updatedAt: at,
      options: { ...DEFAULT_JOB_OPTIONS, ...job.options },
      document: spoolNames.document(id),
      ...(job.source === undefined ? {} : { source: job.source }),
      ...(job.ippJobId === undefined ? {} : { ippJobId: job.ippJobId }),
      ...(job.ownerId === undefined ? {} : { ownerId: checkOwnerId(job.ownerId) }),
    };
    const recordPath = join(this.spoolDir, spoolNames.record(id));
    let committed = false;
    try {
      await writeFileAtomic(
        this.fs,
        recordPath,
        join(this.spoolDir, spoolNames.recordTemp(id)),
        JSON.stringify(record),
        {
          syncDir: false,
        },
      );
      committed = true;
      await this.fs.rename(draft.path, join(this.spoolDir, spoolNames.document(id)));
      await this.dirSync.sync();
    } catch (err) {
      // Not acknowledged: take back what was written so that nothing partial is listed.
      if (committed) {
        await this.fs.unlink(recordPath).catch(() => undefined);
        await this.fs.unlink(join(this.spoolDir, spoolNames.document(id))).catch(() => undefined);
      }
      await draft.abort();
      throw storageError('saving the job', err);
    }
    this.index.set(record);
    this.changes++;
    const out = toJob(record);
    this.emit('added', out);
    return out;
  }

  /** The job with this id, if any. */
  get(id: string): Job | undefined {
    const r = this.index.get(id);
    return r ? toJob(r) : undefined;
  }

  /** The stored record (with the internal fields), if any. */
  getRecord(id: string): Readonly<JobRecord> | undefined {
    return this.index.get(id);
  }

  /** All records, in no particular order. */
  records(): IterableIterator<Readonly<JobRecord>> {
    return this.index.values();
  }

  /** Newest first, with a cursor for the next page (null at the end). */
  list(limit: number, cursor: string | null = null): { jobs: Job[]; next: string | null } {
    const { records, next } = this.index.page(limit, cursor);
    return { jobs: records.map(toJob), next };
  }

  /** Opens the stored document for reading; refuses to follow a symlink planted in the spool. */
  async openDocument(id: string): Promise<{ handle: FileHandle; size: number }> {
    const record = this.index.get(id);
    if (!record)
      throw new SpoolError('not-found', 'There is no such job; it may have been printed or deleted.');
    let handle: FileHandle;
    try {
      handle = await fsp.open(join(this.spoolDir, record.document), READ_NOFOLLOW);
    } catch (err) {
      throw new SpoolError(
        'document-unavailable',
        'The document of this job cannot be read from the spool.',
        {
          cause: err,
        },
      );
    }
    const stat = await handle.stat();
    // A second hard link means the file is also somewhere else: it may not be ours any more.
    if (!stat.isFile() || stat.size !== record.size || stat.nlink !== 1) {
      await handle.close();
      throw new SpoolError(
        'document-unavailable',
        'The document of this job was changed on disk; it is not served.',
      );
    }
    return { handle, size: stat.size };
  }

  /** Changes a job's state; durable before it resolves and before the change is announced. */
  setState(id: string, state: JobState, reason?: string): Promise<Job> {
    return this.withLock(id, async () => {
      const current = this.index.get(id);
      if (!current)
        throw new SpoolError('not-found', 'There is no such job; it may have been printed or deleted.');
      const { previousState: _p, reason: _r, ...rest } = current;
      const next: JobRecord = { ...rest, state, updatedAt: new Date(this.now()).toISOString() };
      if (state === 'uploading' || state === 'printing') {
        const waiting =
          current.state === 'held' || current.state === 'ready' ? current.state : current.previousState;
        if (waiting) next.previousState = waiting;
      }
      if (reason !== undefined) next.reason = reason;
      await this.saveRecord(next, 'saving the job state');
      const out = toJob(next);
      this.emit('changed', out);
      return out;
    });
  }

  /** Replaces a job's metadata durably (atomic write, folder fsync), then the index; `what` names it in errors. */
  private async saveRecord(next: JobRecord, what: string): Promise<void> {
    try {
      await writeFileAtomic(
        this.fs,
        join(this.spoolDir, spoolNames.record(next.id)),
        join(this.spoolDir, spoolNames.recordTemp(next.id)),
        JSON.stringify(next),
        { syncDir: false },
      );
      await this.dirSync.sync();
    } catch (err) {
      throw storageError(what, err);
    }
    this.index.set(next);
    this.changes++;
  }

  /**
   * Sets (or with null clears) the server user id that owns a job; durable before it resolves. The public
   * Job does not change, so nothing is announced. The session module calls this at login.
   */
  setOwner(id: string, ownerId: string | null): Promise<void> {
    return this.withLock(id, async () => {
      const owner = ownerId === null ? null : checkOwnerId(ownerId);
      const current = this.index.get(id);
      if (!current)
        throw new SpoolError('not-found', 'There is no such job; it may have been printed or deleted.');
      if ((current.ownerId ?? null) === owner) return;
      const { ownerId: _o, ...rest } = current;
      const next: JobRecord = { ...rest, ...(owner === null ? {} : { ownerId: owner }) };
      await this.saveRecord(next, 'saving the job owner');
    });
  }

  /**
   * Records (or with null clears) the cloud server's registration of a job (JobRecord.server) and sets the
   * job's spool mode to the one registered; durable before it resolves. Announced as `changed` when the
   * public Job changed (its spool mode).
   */
  setServer(id: string, server: ServerRegistration | null): Promise<void> {
    return this.withLock(id, async () => {
      const current = this.index.get(id);
      if (!current)
        throw new SpoolError('not-found', 'There is no such job; it may have been printed or deleted.');
      const { server: _s, ...rest } = current;
      const next: JobRecord =
        server === null
          ? rest
          : {
              ...rest,
              spool: server.spool,
              server: { ...server },
              updatedAt: new Date(this.now()).toISOString(),
            };
      await this.saveRecord(next, 'saving the server registration');
      if (next.spool !== current.spool) this.emit('changed', toJob(next));
    });
  }

  /** Deletes a job and its document; false if it did not exist. Never follows a symlink (unlink removes the link). */
  remove(id: string): Promise<boolean> {
    return this.withLock(id, async () => {
      if (!this.index.get(id)) return false;
      const tombstone = join(this.spoolDir, spoolNames.tombstone(id));
      try {
        // The tombstone is the commit point of a deletion: recovery finishes what it finds started.
        await this.fs.rename(join(this.spoolDir, spoolNames.record(id)), tombstone);
        await this.dirSync.sync();
      } catch (err) {
        throw storageError('deleting the job', err);
      }
      this.index.delete(id);
      this.changes++;
      await this.fs.unlink(join(this.spoolDir, spoolNames.document(id))).catch(() => undefined);
      await this.fs.unlink(tombstone).catch(() => undefined);
      this.emit('removed', id);
      return true;
    });
  }

  /** Waits for commits and state changes under way, then refuses new ones. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private assertOpen(): void {
    if (this.closed)
      throw new SpoolError('closed', 'The spooler is shutting down; try again when it is back.');
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.inFlight.add(p);
    const done = () => this.inFlight.delete(p);
    p.then(done, done);
    return p;
  }

  private withLock<T>(id: string, fn: () => Promise<T>): Promise<T> {
    this.assertOpen();
    const prev = this.locks.get(id) ?? Promise.resolve();
    const run = prev.then(fn, fn);
    const tail = run.catch(() => undefined);
    this.locks.set(id, tail);
    void tail.then(() => {
      if (this.locks.get(id) === tail) this.locks.delete(id);
    });
    return this.track(run);
  }
}

/** An owner id as the record parser will accept it back; anything else is a programming error. */
function checkOwnerId(ownerId: string): string {
  if (typeof ownerId !== 'string' || ownerId === '' || ownerId.length > MAX_OWNER_ID_LENGTH)
    throw new RangeError(`An owner id is 1-${MAX_OWNER_ID_LENGTH} characters.`);
  return ownerId;
}

/** Opens (and recovers) the spool under `dataDir`. */
export async function openJobStore(
  options: JobStoreOptions,
): Promise<{ store: JobStore; report: RecoveryReport }> {
  const store = new JobStore(options);
  const report = await store.open();
  return { store, report };
}
