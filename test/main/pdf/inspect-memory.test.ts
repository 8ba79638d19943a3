import assert from 'node:assert/strict';
import { open } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { after, before, describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { inspectPdf, type PdfInfo } from '../../../main/pdf/inspect.js';
import { createTempDir } from './pdf-samples.js';

const MiB = 1024 * 1024;
const CONTENT_BYTES = 200 * MiB;
const RSS_BUDGET = 32 * MiB;

// Collecting garbage before measuring makes the baseline honest; the flag can be set at run time.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

const dir = createTempDir();
after(() => dir.remove());
const path = dir.file('big.pdf');
let startxrefDigitsAt = 0;
let startxrefDigits = '';

/** Writes a one-page PDF whose content stream is CONTENT_BYTES long, 1 MiB at a time. */
async function writeBigPdf(): Promise<void> {
  const file = await open(path, 'w');
  let size = 0;
  const offsets: number[] = [];
  const write = async (data: string | Buffer): Promise<void> => {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
    await file.write(bytes);
    size += bytes.length;
  };
  try {
    await write('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n');
    for (const body of [
      '<< /Type /Catalog /Pages 2 0 R >>',
      '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
      '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>',
    ]) {
      offsets.push(size);
      await write(`${offsets.length} 0 obj\n${body}\nendobj\n`);
    }
    offsets.push(size);
    await write(`4 0 obj\n<< /Length ${CONTENT_BYTES} >>\nstream\n`);
    const line = '0.5 0 0 RG 10 10 m 600 780 l S\n';
    const chunk = Buffer.from(line.repeat(Math.ceil(MiB / line.length)).slice(0, MiB), 'latin1');
    for (let written = 0; written < CONTENT_BYTES; written += MiB) await write(chunk);
    await write('\nendstream\nendobj\n');
    const xref = size;
    const entries = offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('');
    const tail = `xref\n0 5\n0000000000 65535 f \n${entries}trailer\n<< /Size 5 /Root 1 0 R >>\nstartxref\n`;
    await write(tail);
    startxrefDigitsAt = size;
    startxrefDigits = String(xref);
    await write(`${xref}\n%%EOF\n`);
  } finally {
    await file.close();
  }
}

/** Inspects the big file, sampling RSS every few milliseconds; returns the result, peak growth and time. */
async function measure(): Promise<{ info: PdfInfo; growth: number; ms: number }> {
  collectGarbage();
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 2);
  const start = performance.now();
  try {
    const info = await inspectPdf(path);
    peak = Math.max(peak, process.memoryUsage().rss);
    return { info, growth: peak - baseline, ms: performance.now() - start };
  } finally {
    clearInterval(sampler);
  }
}

describe('inspectPdf memory use', { timeout: 120_000 }, () => {
  before(writeBigPdf);

  it('inspects a 200 MB PDF while RSS grows by less than 32 MB', async (t) => {
    const { info, growth, ms } = await measure();
    t.diagnostic(`intact 200 MB file: ${ms.toFixed(1)} ms, RSS growth ${(growth / MiB).toFixed(1)} MiB`);
    assert.deepEqual(info, { pages: 1, version: '1.7', encrypted: false, recovered: false });
    assert.ok(growth < RSS_BUDGET, `RSS grew by ${(growth / MiB).toFixed(1)} MiB`);
  });

  it('recovers a 200 MB PDF with a broken startxref by scanning it while RSS grows by less than 32 MB', async (t) => {
    // Overwrite the startxref digits in place with a position past the end of the file.
    const file = await open(path, 'r+');
    try {
      await file.write('9'.repeat(startxrefDigits.length), startxrefDigitsAt, 'latin1');
    } finally {
      await file.close();
    }
    const { info, growth, ms } = await measure();
    t.diagnostic(
      `damaged 200 MB file (full scan): ${ms.toFixed(1)} ms, RSS growth ${(growth / MiB).toFixed(1)} MiB`,
    );
    assert.deepEqual(info, { pages: 1, version: '1.7', encrypted: false, recovered: true });
    assert.ok(growth < RSS_BUDGET, `RSS grew by ${(growth / MiB).toFixed(1)} MiB`);
  });
});
