// The in-memory index of the spool: records by id, and ids in creation order for newest-first paging.
import type { JobRecord } from './job-record.js';

/** Records by id with cursor paging; ids sort by creation time, so the order is the ids' order. */
export class JobIndex {
  private readonly byId = new Map<string, JobRecord>();
  /** Ascending ids; new ids nearly always go at the end. */
  private readonly ids: string[] = [];

  get size(): number {
    return this.byId.size;
  }

  get(id: string): JobRecord | undefined {
    return this.byId.get(id);
  }

  values(): IterableIterator<JobRecord> {
    return this.byId.values();
  }

  /** Adds or replaces a record. */
  set(record: JobRecord): void {
    if (!this.byId.has(record.id)) this.ids.splice(this.lowerBound(record.id), 0, record.id);
    this.byId.set(record.id, record);
  }

  delete(id: string): boolean {
    if (!this.byId.delete(id)) return false;
    const at = this.lowerBound(id);
    if (this.ids[at] === id) this.ids.splice(at, 1);
    return true;
  }

  /** Newest first, `limit` records older than `cursor` (an id), and the cursor of the next page or null. */
  page(limit: number, cursor: string | null): { records: JobRecord[]; next: string | null } {
    let end = cursor === null ? this.ids.length : this.lowerBound(cursor);
    const records: JobRecord[] = [];
    while (end > 0 && records.length < limit) {
      const record = this.byId.get(this.ids[--end] as string);
      if (record) records.push(record);
    }
    const last = records.at(-1);
    return { records, next: end > 0 && last ? last.id : null };
  }

  /** First position whose id is >= `id`. */
  private lowerBound(id: string): number {
    let lo = 0;
    let hi = this.ids.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.ids[mid] as string) < id) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
