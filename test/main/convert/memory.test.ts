// Runs alone in its own process (node --test starts one per file), so RSS reflects this conversion only.
import assert from 'node:assert/strict';
import { createWriteStream, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Readable } from 'node:stream';
import { convertToPdf } from '../../../main/convert/index.js';
import { hasTool, makeTempDir, pdfInfo } from './helpers/pdf-inspect.js';
import { syntheticPwgStream } from './helpers/synthetic-raster.js';

const MiB = 1024 * 1024;

describe('memory', () => {
  it(
    'converts a 300-page, 650 MB raster with less than 64 MB of RSS growth',
    { timeout: 300_000 },
    async (t) => {
      const dir = makeTempDir();
      try {
        // Warm up first, so module loading and JIT compilation do not count as growth.
        const warmUp = syntheticPwgStream({
          pages: 2,
          widthPx: 1240,
          heightPx: 1754,
          dpi: 150,
          components: 1,
        });
        await convertToPdf(
          'image/pwg-raster',
          warmUp.stream,
          createWriteStream(join(dir.path, 'warm-up.pdf')),
        );

        // 150 dpi A4 sgray: 1240 x 1754 bytes a page, 300 pages, made on the fly and never held.
        const { stream, rawBytes } = syntheticPwgStream({
          pages: 300,
          widthPx: 1240,
          heightPx: 1754,
          dpi: 150,
          components: 1,
        });
        assert.ok(rawBytes > 600 * 1e6);
        const baseline = process.memoryUsage().rss;
        let peak = baseline;
        const sample = (): void => {
          peak = Math.max(peak, process.memoryUsage().rss);
        };
        stream.on('data', sample);
        const timer = setInterval(sample, 10);
        const file = join(dir.path, 'big.pdf');
        const started = performance.now();
        let result;
        try {
          result = await convertToPdf('image/pwg-raster', stream, createWriteStream(file));
        } finally {
          clearInterval(timer);
        }
        sample();
        const seconds = (performance.now() - started) / 1000;
        // Reported, not asserted: wall-clock time depends on the machine.
        const megabytes = rawBytes / 1e6;
        t.diagnostic(
          `${megabytes.toFixed(0)} MB of pixels in ${seconds.toFixed(1)} s (${(megabytes / seconds).toFixed(0)} MB/s), ` +
            `RSS growth ${((peak - baseline) / MiB).toFixed(1)} MiB, PDF ${(statSync(file).size / 1e6).toFixed(1)} MB`,
        );

        const growth = peak - baseline;
        assert.equal(result.pages, 300);
        assert.equal(result.pageSizes.length, 300);
        assert.ok(growth < 64 * MiB, `RSS grew by ${(growth / MiB).toFixed(1)} MiB`);
        assert.ok(statSync(file).size < rawBytes / 10, 'the pages were not compressed');
        if (hasTool('pdfinfo')) assert.equal(pdfInfo(file)['Pages'], '300');
      } finally {
        dir.remove();
      }
    },
  );
  it('streams a 300 MB JPEG through without holding it', { timeout: 300_000 }, async () => {
    const dir = makeTempDir();
    try {
      // A JPEG's structure around 300 MB of stand-in scan data; the converter copies, it does not decode.
      const head = readFileSync(new URL('./fixtures/quadrants-rgb.jpg', import.meta.url));
      const scanAt = head.indexOf(Buffer.from([0xff, 0xda]));
      const scanHeaderEnd = scanAt + 2 + head.readUInt16BE(scanAt + 2);
      const block = Buffer.alloc(1024 * 1024, 0x5a);
      block[1000] = 0xff; // a stuffed 0xFF, as entropy-coded data has
      block[1001] = 0x00;
      function* jpeg(): Generator<Buffer> {
        yield head.subarray(0, scanHeaderEnd);
        for (let i = 0; i < 300; i++) yield block;
        yield Buffer.from([0xff, 0xd9]);
      }
      const baseline = process.memoryUsage().rss;
      let peak = baseline;
      const input = Readable.from(jpeg(), { objectMode: false });
      input.on('data', () => {
        peak = Math.max(peak, process.memoryUsage().rss);
      });
      const file = join(dir.path, 'photo.pdf');
      const result = await convertToPdf('image/jpeg', input, createWriteStream(file));
      assert.equal(result.pages, 1);
      assert.ok(statSync(file).size > 300 * MiB);
      assert.ok(peak - baseline < 64 * MiB, `RSS grew by ${((peak - baseline) / MiB).toFixed(1)} MiB`);
    } finally {
      dir.remove();
    }
  });
});
