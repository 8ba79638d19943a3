// The headless spooler: the whole core under plain Node (the daemon, and every end-to-end test).
// One "listening" line per port on stdout; a clear message and a non-zero exit when it cannot start;
// SIGINT/SIGTERM stop accepting, finish in-flight writes and exit 0.
import { join } from 'node:path';
import { CommanderError } from 'commander';
import { ConfigError, loadConfig } from './core/config.js';
import { DataDirError, dataDirProblem, prepareDataDir } from './core/data-dir.js';
import { PortError, startSpooler } from './core/spooler.js';
import type { Spooler } from './core/spooler.js';
import { startEmbeddedServer } from './core/embedded-server.js';
import type { EmbeddedServer } from './core/embedded-server.js';
import { createLogger } from './log/logger.js';
import type { Logger } from './log/logger.js';

async function main(): Promise<number> {
  let config;
  try {
    config = loadConfig(process.argv.slice(2));
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    if (err instanceof ConfigError) {
      process.stderr.write(`cps-spooler: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  let log: Logger;
  try {
    // The data dir first, so that its problem (not the log folder's) is what the person reads.
    await prepareDataDir(config.dataDir);
    log = createLogger({ dir: join(config.dataDir, 'logs'), level: config.logLevel });
  } catch (err) {
    const problem = err instanceof DataDirError ? err : dataDirProblem(config.dataDir, err);
    process.stderr.write(`cps-spooler: ${problem.message}\n`);
    return 1;
  }
  let spooler: Spooler;
  let embedded: EmbeddedServer | null = null;
  try {
    if (config.embeddedServer) {
      embedded = await startEmbeddedServer({
        ...config.embeddedServer,
        // An empty variable counts as unset, as for `npm run server`.
        admin: {
          username: process.env.CPS_ADMIN_USERNAME || undefined,
          password: process.env.CPS_ADMIN_PASSWORD || undefined,
        },
        logLevel: config.logLevel,
      });
      config = { ...config, serverUrl: embedded.url };
    }
    spooler = await startSpooler(config, log);
  } catch (err) {
    await embedded?.close();
    if (err instanceof PortError || err instanceof DataDirError) {
      process.stderr.write(`cps-spooler: ${err.message}\n`);
      log.error('start failed', { reason: err.message });
      await log.close();
      return 1;
    }
    throw err;
  }
  process.stdout.write(`control API listening on http://127.0.0.1:${spooler.ports.control}\n`);
  process.stdout.write(`virtual printer listening on ipp://127.0.0.1:${spooler.ports.ipp}/ipp/print\n`);
  const mfpHost = config.mfpHost.includes(':') ? `[${config.mfpHost}]` : config.mfpHost;
  process.stdout.write(
    `MFP job server listening on ${spooler.mfp.scheme}://${mfpHost}:${spooler.mfp.port}\n`,
  );
  if (spooler.hotFolder) process.stdout.write(`hot folder watching ${config.hotFolder}\n`);
  if (embedded) {
    process.stdout.write(`cloud server (embedded) listening on ${embedded.url}\n`);
    if (embedded.bootstrap) {
      // Shown once, like `npm run server` does; never written to the log.
      process.stdout.write(
        `cloud server: created the root provider and its admin "${embedded.bootstrap.username}"\n`,
      );
      if (embedded.bootstrap.generatedPassword)
        process.stdout.write(
          `cloud server: generated admin password (shown once, change it): ${embedded.bootstrap.generatedPassword}\n`,
        );
    }
  } else if (config.serverUrl) process.stdout.write(`cloud server ${config.serverUrl}\n`);
  log.info('spooler ready', { ports: spooler.ports });

  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      log.info('stopping', { signal });
      spooler
        .stop()
        .then(() => embedded?.close())
        .then(async () => {
          log.info('stopped');
          await log.close();
          resolve(0);
        })
        .catch(async (err: unknown) => {
          log.error('stop failed', { error: err });
          await log.close();
          resolve(1);
        });
    };
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGTERM', () => stop('SIGTERM'));
  });
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`cps-spooler: unexpected error: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
