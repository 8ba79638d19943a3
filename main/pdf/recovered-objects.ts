import { MAX_RECOVERED_OBJECTS } from './limits.js';
import { tooComplex } from './pdf-error.js';
import type { ObjectLocator, XrefEntry } from './xref-entry.js';

const FIRST_CAPACITY = 256;

/**
 * Where the recovery scan found each object, in typed arrays (20 bytes an object, so at most
 * MAX_RECOVERED_OBJECTS * 20 bytes). When an object is defined more than once, the definition latest in
 * the file wins, as an incremental update would have it.
 */
export class RecoveredObjects implements ObjectLocator {
  private nums = new Uint32Array(FIRST_CAPACITY);
  private positions = new Float64Array(FIRST_CAPACITY);
  private streams = new Uint32Array(FIRST_CAPACITY);
  private indexes = new Int32Array(FIRST_CAPACITY);
  private order = new Uint32Array(0);
  private count = 0;

  /** Number of locations recorded. */
  get size(): number {
    return this.count;
  }

  /** Records object `num` at file offset `position`, or at `index` in the object stream `stream` found there. */
  add(num: number, position: number, stream = 0, index = -1): void {
    if (this.count >= MAX_RECOVERED_OBJECTS) {
      throw tooComplex(`recovering it would mean tracking more than ${MAX_RECOVERED_OBJECTS} objects`);
    }
    if (this.count === this.nums.length) this.grow();
    this.nums[this.count] = num;
    this.positions[this.count] = position;
    this.streams[this.count] = stream;
    this.indexes[this.count] = index;
    this.count++;
  }

  /** Sorts the records for lookup; call again after adding more. */
  seal(): void {
    const { nums, positions } = this;
    const order = new Uint32Array(this.count);
    for (let i = 0; i < order.length; i++) order[i] = i;
    order.sort((a, b) => nums[a]! - nums[b]! || positions[a]! - positions[b]! || a - b);
    this.order = order;
  }

  async locate(num: number): Promise<XrefEntry | undefined> {
    const { nums, order } = this;
    // Binary search for the last record of `num`.
    let low = 0;
    let high = order.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (nums[order[mid]!]! <= num) low = mid + 1;
      else high = mid;
    }
    const i = order[low - 1];
    if (i === undefined || nums[i] !== num) return undefined;
    const position = this.positions[i]!;
    const index = this.indexes[i]!;
    if (index < 0) return { type: 'offset', offset: position, gen: 0 };
    return { type: 'compressed', stream: this.streams[i]!, index, streamOffset: position };
  }

  private grow(): void {
    const capacity = Math.min(this.nums.length * 2, MAX_RECOVERED_OBJECTS);
    const grown = <T extends Uint32Array | Float64Array | Int32Array>(old: T, make: (n: number) => T): T => {
      const next = make(capacity);
      next.set(old);
      return next;
    };
    this.nums = grown(this.nums, (n) => new Uint32Array(n));
    this.positions = grown(this.positions, (n) => new Float64Array(n));
    this.streams = grown(this.streams, (n) => new Uint32Array(n));
    this.indexes = grown(this.indexes, (n) => new Int32Array(n));
  }
}
