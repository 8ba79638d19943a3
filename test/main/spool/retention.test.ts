import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, it } from 'node:test';
import { loadConfig } from '../../../main/core/config.js';
import { startSpooler } from '../../../main/core/spooler.js';
import { createLogger } from '../../../main/log/logger.js';
import { tempDir } from '../../helpers/temp-dir.js';

const HOUR = 3600_000;

describe('retention', () => {
  it('deletes printed and canceled jobs after a day and never-printed jobs after a week, and keeps the rest', async (t) => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const dataDir = tempDir(t);
    const config = loadConfig(
      [
        ...['--data-dir', dataDir, '--control-port', '0', '--ipp-port', '0', '--hot-folder', 'off'],
        ...['--mfp-port', '0', '--mfp-host', '127.0.0.1'],
      ],
      {},
    );
    const spooler = await startSpooler(config, createLogger({ dir: null, console: false }), {
      now: () => now,
    });
    t.after(() => spooler.stop());
    const { store } = spooler;
    const put = async () => {
      const draft = await store.createDraft(1000);
      await pipeline(Readable.from([Buffer.from('%PDF-1.4')]), draft.stream);
      return store.commit(draft, { name: 'x', owner: 'a', pages: 1 });
    };
    const printed = await put();
    const canceled = await put();
    const held = await put();
    const busy = await put();
    await store.setState(printed.id, 'printed');
    await store.setState(canceled.id, 'canceled');
    await store.setState(busy.id, 'printing');

    now += 23 * HOUR;
    assert.equal(await spooler.sweep(), 0);
    now += 2 * HOUR;
    assert.equal(await spooler.sweep(), 2);
    assert.deepEqual(
      store.list(10).jobs.map((j) => j.id),
      [busy.id, held.id],
    );
    now += 7 * 24 * HOUR;
    assert.equal(await spooler.sweep(), 1);
    assert.deepEqual(
      store.list(10).jobs.map((j) => j.id),
      [busy.id],
    );
  });

  it('honours configured retention times and runs a sweep at start', async (t) => {
    const dataDir = tempDir(t);
    const args = [
      '--data-dir',
      dataDir,
      '--control-port',
      '0',
      '--hot-folder',
      'off',
      '--retention-done-hours',
      '1',
    ];
    let now = Date.parse('2026-01-01T00:00:00Z');
    const first = await startSpooler(loadConfig(args, {}), createLogger({ dir: null, console: false }), {
      now: () => now,
    });
    const draft = await first.store.createDraft(1000);
    await pipeline(Readable.from([Buffer.from('%PDF-1.4')]), draft.stream);
    const job = await first.store.commit(draft, { name: 'x', owner: 'a', pages: 1 });
    await first.store.setState(job.id, 'printed');
    await first.stop();
    now += 2 * HOUR;
    const second = await startSpooler(loadConfig(args, {}), createLogger({ dir: null, console: false }), {
      now: () => now,
    });
    t.after(() => second.stop());
    assert.equal(second.store.size, 0);
  });
});
