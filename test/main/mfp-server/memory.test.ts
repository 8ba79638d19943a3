// Documents stream from the spool to the MFPs at flat memory (issue 5): four MFPs fetching a 200 MB PDF at once
// over HTTPS make RSS grow by a bounded amount, not by the document's size. Timings are reported, not asserted.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { mfpRequest } from '../../helpers/mfp-client.js';
import { makePdf, writeBigPdf } from '../../helpers/pdf.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { startMfpSpooler } from './mfp-fixture.js';

const MiB = 1024 * 1024;
const CLIENTS = 4;

describe('MFP job server memory', () => {
  it(
    `streams a 200 MB document to ${CLIENTS} MFPs at once with RSS growth under 64 MiB`,
    { timeout: 300_000 },
    async (t) => {
      const s = await startMfpSpooler(t);
      const bigPath = join(tempDir(t), 'big.pdf');
      const bigSha = await writeBigPdf(bigPath, 200 * MiB);
      const big = await s.addJob(bigPath);
      assert.equal(big.sha256, bigSha);

      // Warm up the code paths and the TLS machinery on a small document first.
      const small = await s.addJob(await makePdf(1, { padBytes: 2 * MiB }));
      const warm = await Promise.all(
        Array.from({ length: CLIENTS }, () =>
          mfpRequest({ port: s.port, pin: s.pin, path: `/v1/jobs/${small.id}/document`, ticket: s.ticket() }),
        ),
      );
      for (const w of warm) assert.equal(w.sha256, small.sha256);

      const baseline = process.memoryUsage.rss();
      let peak = baseline;
      const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 20);
      const started = performance.now();
      let results;
      try {
        results = await Promise.all(
          Array.from({ length: CLIENTS }, () =>
            mfpRequest({
              port: s.port,
              pin: s.pin,
              path: `/v1/jobs/${big.id}/document`,
              ticket: s.ticket(),
              discardBody: true,
            }),
          ),
        );
      } finally {
        clearInterval(timer);
      }
      peak = Math.max(peak, process.memoryUsage.rss());
      const seconds = (performance.now() - started) / 1000;
      const growth = peak - baseline;
      t.diagnostic(
        `${CLIENTS} x ${(big.size / MiB).toFixed(0)} MiB over HTTPS in ${seconds.toFixed(1)} s ` +
          `(${((CLIENTS * big.size) / MiB / seconds).toFixed(0)} MiB/s, server and clients in one process), ` +
          `RSS growth ${(growth / MiB).toFixed(1)} MiB`,
      );
      for (const r of results) {
        assert.equal(r.status, 200);
        assert.equal(r.bytes, big.size);
        assert.equal(r.sha256, bigSha, 'every MFP got the whole document');
      }
      assert.ok(growth < 64 * MiB, `RSS grew by ${(growth / MiB).toFixed(1)} MiB`);
    },
  );
});
