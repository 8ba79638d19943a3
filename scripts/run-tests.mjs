// Runs every test under test/ with node's own test runner (TypeScript through tsx) and prints its summary.
// Usage: node scripts/run-tests.mjs [--only DIR] [--skip DIR] [file-filter...]
// Node 20's --test takes no globs, so the files are listed here.
import { readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { spawnSync } from 'node:child_process';

const args = process.argv.slice(2);
let only = null;
const skip = ['bench', 'fixtures', 'helpers'];
const filters = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--only') only = args[++i];
  else if (args[i] === '--skip') skip.push(args[++i]);
  else filters.push(args[i]);
}

function walk(dir, out) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, out);
    else if (name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

const root = 'test';
const files = walk(root, [])
  .filter((f) => {
    const top = relative(root, f).split(sep)[0];
    if (only !== null) return top === only;
    return !skip.includes(top);
  })
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();

if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}

const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=2', ...files],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
