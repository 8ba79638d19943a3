// The hot folder: a PDF dropped into it becomes a job once it stops growing. The source is removed only after
// the job is durable; a file that is not a usable PDF goes to rejected/ with a .reason.txt beside it.
import { constants, promises as fsp } from 'node:fs';
import { basename, join } from 'node:path';
import { watch } from 'chokidar';
import type { FSWatcher } from 'chokidar';
import { IngestError, ingestPdf } from '../capture/ingest-pdf.js';
import type { Logger } from '../log/logger.js';
import type { JobStore } from '../spool/job-store.js';

/** Settings of the hot folder. */
export interface HotFolderOptions {
  dir: string;
  store: JobStore;
  log: Logger;
  maxBytes: number;
  owner: () => string;
  /** The server id of the user logged in at capture (becomes the job's ownerId); default nobody. */
  ownerId?: () => string | null;
  /** How long a file must stay the same size before it is taken (ms). */
  stableMs?: number;
  /** How long to wait before retrying a file that failed for a passing reason such as a full disk (ms). */
  retryMs?: number;
}

/** A running hot folder. */
export interface HotFolder {
  /** Resolves when the first scan is done. */
  ready: Promise<void>;
  /** Resolves when the files queued so far are handled (tests). */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/** Sub-folder for refused files. */
export const REJECTED_DIR = 'rejected';

function fingerprint(st: { dev: number; ino: number; size: number; mtimeMs: number }): string {
  return `hotfolder:${st.dev}:${st.ino}:${st.size}:${Math.trunc(st.mtimeMs)}`;
}

async function uniqueName(dir: string, name: string): Promise<string> {
  for (let i = 0; ; i++) {
    const candidate = i === 0 ? name : `${i}-${name}`;
    try {
      await fsp.lstat(join(dir, candidate));
    } catch {
      return candidate;
    }
  }
}

/** Starts watching `dir` (created if missing). */
export async function startHotFolder(options: HotFolderOptions): Promise<HotFolder> {
  const { dir, store, log } = options;
  const rejectedDir = join(dir, REJECTED_DIR);
  await fsp.mkdir(rejectedDir, { recursive: true });
  const queued = new Set<string>();
  const retries = new Set<NodeJS.Timeout>();
  let chain: Promise<void> = Promise.resolve();
  let closed = false;

  async function reject(path: string, reason: string): Promise<void> {
    const name = await uniqueName(rejectedDir, basename(path));
    await fsp.rename(path, join(rejectedDir, name));
    await fsp.writeFile(join(rejectedDir, `${name}.reason.txt`), `${reason}\n`);
    log.warn('hot folder file rejected', { file: basename(path), reason });
  }

  async function take(path: string): Promise<void> {
    let st;
    try {
      st = await fsp.lstat(path);
    } catch {
      return; // gone already
    }
    if (st.isSymbolicLink() || !st.isFile()) {
      await reject(path, 'Only regular files are taken; symbolic links and folders are not followed.');
      return;
    }
    const source = fingerprint(st);
    for (const r of store.records()) {
      if (r.source === source) {
        // The job was stored but the process died before the source was removed.
        await fsp.unlink(path);
        return;
      }
    }
    const handle = await fsp.open(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
    const ownerId = options.ownerId?.() ?? null;
    try {
      const job = await ingestPdf(
        store,
        handle.createReadStream({ autoClose: false }),
        { name: basename(path), owner: options.owner(), source, ...(ownerId === null ? {} : { ownerId }) },
        options.maxBytes,
      );
      log.info('hot folder file became a job', { job: job.id, pages: job.pages });
    } catch (err) {
      await handle.close();
      if (
        err instanceof IngestError &&
        (err.kind === 'not-pdf' || err.kind === 'bad-pdf' || err.kind === 'too-large')
      ) {
        await reject(path, err.message);
        return;
      }
      throw err;
    }
    await handle.close();
    await fsp.unlink(path);
  }

  function enqueue(path: string): void {
    if (closed || queued.has(path)) return;
    queued.add(path);
    chain = chain.then(async () => {
      queued.delete(path);
      if (closed) return;
      try {
        await take(path);
      } catch (err) {
        log.error('hot folder file could not be taken; will retry', { file: basename(path), error: err });
        const t = setTimeout(() => {
          retries.delete(t);
          enqueue(path);
        }, options.retryMs ?? 30_000);
        retries.add(t);
      }
    });
  }

  const watcher: FSWatcher = watch(dir, {
    depth: 0,
    ignoreInitial: false,
    followSymlinks: false,
    ignored: (path: string) => {
      const name = basename(path);
      return path !== dir && (name === REJECTED_DIR || name.startsWith('.'));
    },
    awaitWriteFinish: { stabilityThreshold: options.stableMs ?? 1000, pollInterval: 100 },
  });
  watcher.on('add', (path: string) => enqueue(path));
  watcher.on('error', (err: unknown) => log.error('hot folder watch error', { error: err }));
  const ready = new Promise<void>((resolve) => watcher.once('ready', () => resolve()));

  return {
    ready,
    idle: async () => {
      let seen: Promise<void>;
      do {
        seen = chain;
        await seen;
      } while (seen !== chain);
    },
    async close() {
      closed = true;
      for (const t of retries) clearTimeout(t);
      await watcher.close();
      await chain;
    },
  };
}
