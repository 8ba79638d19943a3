// Folder fsyncs shared between commits that happen at the same time: one fsync that starts after a
// caller's rename covers that rename, so callers that arrive while one is running wait for the next one
// together instead of queueing one each. A failure reaches every caller that relied on that fsync.
import type { FileSystem } from './file-system.js';

/** Coalesces fsyncs of one folder. */
export class DirSync {
  private running: Promise<void> | null = null;
  private next: Promise<void> | null = null;

  constructor(
    private readonly fs: FileSystem,
    private readonly dir: string,
  ) {}

  /** Resolves after an fsync of the folder that started after this call. */
  sync(): Promise<void> {
    if (!this.running) return this.start();
    // One is running, but it may have started before our rename: join the one after it.
    this.next ??= this.running.then(
      () => this.start(),
      () => this.start(),
    );
    return this.next;
  }

  private start(): Promise<void> {
    this.next = null;
    const run = this.fs.fsyncDir(this.dir).finally(() => {
      if (this.running === run) this.running = null;
    });
    this.running = run;
    return run;
  }
}
