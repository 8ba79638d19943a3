// The virtual printer's job table: IPP "job-id" integers for spool jobs that came in over IPP (kept in the
// job record, so they survive a restart), and Create-Job jobs still waiting for their document (in memory:
// nothing was acknowledged with a document yet, so nothing is lost if the process dies).
import type { JobStore } from '../spool/job-store.js';
import type { JobOptions } from '../spool/job.js';
import type { IppJobView } from './job-attributes.js';

/** A Create-Job job until Send-Document brings its document. */
export interface PendingJob {
  ippJobId: number;
  name: string;
  owner: string;
  options: Partial<JobOptions>;
  createdAt: number;
  state: 'incoming' | 'canceled' | 'aborted';
  reason?: string;
  /** A Send-Document is streaming into it. */
  receiving: boolean;
  timer?: NodeJS.Timeout;
}

/** How long a created job waits for Send-Document ("multiple-operation-time-out", seconds). */
export const MULTIPLE_OPERATION_TIMEOUT_S = 300;
/** Ended created jobs remembered for Get-Job-Attributes. */
const ENDED_KEPT = 100;

/** The job table. */
export class IppJobTable {
  private nextId = 1;
  private readonly spoolIdByIppId = new Map<number, string>();
  private readonly pending = new Map<number, PendingJob>();

  constructor(
    private readonly store: JobStore,
    private readonly defaults: JobOptions,
  ) {
    for (const r of store.records()) {
      if (r.ippJobId !== undefined) {
        this.spoolIdByIppId.set(r.ippJobId, r.id);
        this.nextId = Math.max(this.nextId, r.ippJobId + 1);
      }
    }
    store.on('removed', (id) => {
      for (const [ippId, spoolId] of this.spoolIdByIppId)
        if (spoolId === id) this.spoolIdByIppId.delete(ippId);
    });
  }

  /** A new job-id (1..2^31-1, RFC 8011 §5.3.2). */
  allocate(): number {
    const id = this.nextId;
    this.nextId = id >= 0x7fffffff ? 1 : id + 1;
    return id;
  }

  /** Records that a job-id now names a stored job. */
  bind(ippJobId: number, spoolId: string): void {
    this.spoolIdByIppId.set(ippJobId, spoolId);
    const p = this.pending.get(ippJobId);
    if (p?.timer) clearTimeout(p.timer);
    this.pending.delete(ippJobId);
  }

  /** Adds a created job; it is aborted if no document arrives in time. */
  addPending(job: Omit<PendingJob, 'state' | 'receiving' | 'timer'>): PendingJob {
    const p: PendingJob = { ...job, state: 'incoming', receiving: false };
    p.timer = setTimeout(() => {
      if (p.state === 'incoming' && !p.receiving) this.end(p, 'aborted', 'No document arrived in time.');
    }, MULTIPLE_OPERATION_TIMEOUT_S * 1000);
    p.timer.unref();
    this.pending.set(p.ippJobId, p);
    return p;
  }

  getPending(ippJobId: number): PendingJob | undefined {
    return this.pending.get(ippJobId);
  }

  /** Ends a created job that never got a document. */
  end(p: PendingJob, state: 'canceled' | 'aborted', reason?: string): void {
    if (p.timer) clearTimeout(p.timer);
    p.state = state;
    if (reason !== undefined) p.reason = reason;
    const ended = [...this.pending.values()].filter((x) => x.state !== 'incoming');
    for (const old of ended.slice(0, Math.max(0, ended.length - ENDED_KEPT)))
      this.pending.delete(old.ippJobId);
  }

  /** The spool id behind a job-id, if the job is stored. */
  spoolId(ippJobId: number): string | undefined {
    return this.spoolIdByIppId.get(ippJobId);
  }

  /** The job as IPP sees it. */
  view(ippJobId: number): IppJobView | undefined {
    const spoolId = this.spoolIdByIppId.get(ippJobId);
    if (spoolId !== undefined) {
      const r = this.store.getRecord(spoolId);
      if (!r) return undefined;
      return {
        ippJobId,
        name: r.name,
        owner: r.owner,
        state: r.state,
        createdAt: Date.parse(r.createdAt),
        pages: r.pages,
        size: r.size,
        copies: r.options.copies,
        sides: r.options.sides,
        colorMode: r.options.colorMode,
        media: r.options.media,
        ...(r.reason === undefined ? {} : { reason: r.reason }),
      };
    }
    const p = this.pending.get(ippJobId);
    if (!p) return undefined;
    const o = { ...this.defaults, ...p.options };
    return {
      ippJobId,
      name: p.name,
      owner: p.owner,
      state: p.state,
      createdAt: p.createdAt,
      pages: 0,
      size: 0,
      copies: o.copies,
      sides: o.sides,
      colorMode: o.colorMode,
      media: o.media,
      ...(p.reason === undefined ? {} : { reason: p.reason }),
    };
  }

  /** Every job of this printer, newest first. */
  views(): IppJobView[] {
    const ids = new Set([...this.spoolIdByIppId.keys(), ...this.pending.keys()]);
    return [...ids]
      .sort((a, b) => b - a)
      .map((id) => this.view(id))
      .filter((v): v is IppJobView => v !== undefined);
  }

  /** Clears the timers (shutdown). */
  close(): void {
    for (const p of this.pending.values()) if (p.timer) clearTimeout(p.timer);
  }
}
