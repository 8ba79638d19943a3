// `npm run bench`: every benchmark, side by side with its peer, in one run. Never part of `npm test`.
// BENCH_ONLY=ipp (or a comma list: spool,ipp,server,mfp,cloud) runs only those parts.
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runCloudUploadBench } from './cloud-upload-bench.js';
import { runIppBench } from './ipp-bench.js';
import { runMfpBench } from './mfp-bench.js';
import { runServerBench } from './server-bench.js';
import { runSpoolBench } from './spool-bench.js';

const BENCHES: Record<string, (workDir: string) => Promise<void>> = {
  spool: runSpoolBench,
  ipp: runIppBench,
  server: runServerBench,
  mfp: runMfpBench,
  cloud: runCloudUploadBench,
};

const only = (process.env.BENCH_ONLY ?? '')
  .split(',')
  .map((name) => name.trim())
  .filter((name) => name !== '');
const unknown = only.filter((name) => !(name in BENCHES));
if (unknown.length > 0) {
  console.error(`BENCH_ONLY: unknown ${unknown.join(', ')}; choose from ${Object.keys(BENCHES).join(', ')}.`);
  process.exit(2);
}
const chosen = Object.keys(BENCHES).filter((name) => only.length === 0 || only.includes(name));

const work = mkdtempSync(join(process.env.BENCH_DIR ?? '/var/tmp', 'cps-bench-'));
try {
  console.log(`benchmarks (work dir ${work}, node ${process.version})`);
  console.log(`${'measure'.padEnd(44)} ${'ours'.padEnd(22)} ${'peer'.padEnd(26)} verdict`);
  for (const name of chosen) await (BENCHES[name] as (workDir: string) => Promise<void>)(work);
} finally {
  rmSync(work, { recursive: true, force: true });
}
