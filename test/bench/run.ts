// `npm run bench`: every benchmark, side by side with its peer, in one run. Never part of `npm test`.
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runSpoolBench } from './spool-bench.js';

const work = mkdtempSync(join(process.env.BENCH_DIR ?? '/var/tmp', 'cps-bench-'));
try {
  console.log(`benchmarks (work dir ${work}, node ${process.version})`);
  console.log(`${'measure'.padEnd(44)} ${'ours'.padEnd(22)} ${'peer'.padEnd(26)} verdict`);
  await runSpoolBench(work);
} finally {
  rmSync(work, { recursive: true, force: true });
}
