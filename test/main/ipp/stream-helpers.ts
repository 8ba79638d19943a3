// Streams for the decoder tests: a source that delivers chosen chunk sizes one macrotask at a time
// (so the parser really sees them one by one), a collector, and a way to force garbage collection.
import { Readable } from 'node:stream';
import v8 from 'node:v8';
import vm from 'node:vm';

/** A Readable that yields `bytes` cut into `sizes` (cycled), one chunk per read, asynchronously. */
export function chunkedSource(bytes: Buffer, sizes: readonly number[] = [bytes.length || 1]): Readable {
  let at = 0;
  let turn = 0;
  return new Readable({
    read() {
      setImmediate(() => {
        if (at >= bytes.length) {
          this.push(null);
          return;
        }
        const size = Math.max(1, sizes[turn++ % sizes.length] ?? 1);
        this.push(bytes.subarray(at, at + size));
        at += size;
      });
    },
  });
}

/** Every byte a Readable yields, concatenated. */
export async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

let gcFunction: (() => void) | undefined;

/** Runs a full garbage collection, so heap and RSS readings compare like with like. */
export function collectGarbage(): void {
  if (!gcFunction) {
    // The test runner starts node without --expose-gc; the flag can still be set at run time.
    v8.setFlagsFromString('--expose-gc');
    gcFunction = vm.runInNewContext('gc') as () => void;
  }
  gcFunction();
}
