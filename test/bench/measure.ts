// Small measuring tools for the benchmarks: timing, percentiles, and a process's memory from /proc.
import { readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

/** Milliseconds since `start` (from performance.now()). */
export const since = (start: number) => performance.now() - start;

/** The p-th percentile (0-100) of `values`. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] ?? NaN;
}

/** A line of /proc/<pid>/status in MB (VmRSS, VmHWM). */
export function procMemoryMb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/**
 * CPU seconds (user + system, all threads) a process has used so far; `children`: those of its children that
 * have exited and been waited for.
 */
export function procCpuSeconds(pid: number, of: 'self' | 'children' = 'self'): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const at = of === 'self' ? 11 : 13; // utime, stime (or cutime, cstime) in USER_HZ, 100 on Linux
  return (Number(fields[at]) + Number(fields[at + 1])) / 100;
}

/** Resets the peak RSS (VmHWM) of a process (Linux: clear_refs 5). */
export function resetPeak(pid: number): void {
  writeFileSync(`/proc/${pid}/clear_refs`, '5');
}

/** Runs a shell command and returns its wall time in ms. */
export function timeCommand(command: string): number {
  const start = performance.now();
  const r = spawnSync('sh', ['-c', command], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`${command} failed`);
  return since(start);
}

/** One result line: name, our figure, the peer's, the ratio and the goal. */
export function report(name: string, ours: string, peer: string, verdict: string): void {
  console.log(`${name.padEnd(44)} ${ours.padEnd(22)} ${peer.padEnd(26)} ${verdict}`);
}

/** "PASS" or "MISS" against a goal. */
export const goal = (ok: boolean, text: string) => `${ok ? 'PASS' : 'MISS'} (goal ${text})`;
