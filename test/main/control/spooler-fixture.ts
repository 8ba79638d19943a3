// An in-process spooler on free ports for API tests.
import type { TestContext } from 'node:test';
import { loadConfig } from '../../../main/core/config.js';
import { startSpooler } from '../../../main/core/spooler.js';
import type { Spooler } from '../../../main/core/spooler.js';
import { createLogger } from '../../../main/log/logger.js';
import { tempDir } from '../../helpers/temp-dir.js';

/** Starts a spooler in a temp data dir, stopped after the test. */
export async function startTestSpooler(
  t: Pick<TestContext, 'after'>,
  args: string[] = [],
  dataDir = tempDir(t),
): Promise<Spooler & { port: number; dataDir: string }> {
  const config = loadConfig(
    [
      ...['--data-dir', dataDir, '--control-port', '0', '--ipp-port', '0', '--hot-folder', 'off'],
      ...['--mfp-port', '0', '--mfp-host', '127.0.0.1', ...args],
    ],
    {},
  );
  const spooler = await startSpooler(config, createLogger({ dir: null, console: false }));
  t.after(() => spooler.stop());
  return Object.assign(spooler, { port: spooler.ports.control as number, dataDir });
}
