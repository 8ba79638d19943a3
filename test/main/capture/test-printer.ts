// An in-process virtual printer on a free loopback port, over its own spool in a temp data dir, stopped
// after the test. PAPPL's testsuite style: the tests talk to it over real HTTP.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { createIppPrinter } from '../../../main/capture/ipp-printer.js';
import type { IppPrinter } from '../../../main/capture/ipp-printer.js';
import type { Logger } from '../../../main/log/logger.js';
import { openJobStore } from '../../../main/spool/job-store.js';
import type { JobStore } from '../../../main/spool/job-store.js';
import { tempDir } from '../../helpers/temp-dir.js';

/** One entry a MemoryLog kept. */
export interface LogEntry {
  level: 'info' | 'warn' | 'error' | 'debug';
  message: string;
  meta?: Record<string, unknown>;
}

/** A Logger that keeps its entries, so a test can check what the printer reported. */
export interface MemoryLog extends Logger {
  entries: LogEntry[];
}

/** Creates a MemoryLog. */
export function memoryLog(): MemoryLog {
  const entries: LogEntry[] = [];
  const at =
    (level: LogEntry['level']) =>
    (message: string, meta?: Record<string, unknown>): void => {
      entries.push(meta === undefined ? { level, message } : { level, message, meta });
    };
  return {
    entries,
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    debug: at('debug'),
    addSecret: () => undefined,
    close: async () => undefined,
  };
}

/** A running test printer. */
export interface TestPrinter {
  port: number;
  store: JobStore;
  printer: IppPrinter;
  dataDir: string;
  /** The printer's log (a MemoryLog unless the test passed its own logger). */
  log: Logger;
  /** `ipp://127.0.0.1:<port>/ipp/print`. */
  uri: string;
  /** Entries of `<dataDir>/spool`, sorted. */
  spoolFiles(): string[];
}

/** Settings a test may change. */
export interface TestPrinterOptions {
  maxJobBytes?: number;
  sectionTimeoutMs?: number;
  idleTimeoutMs?: number;
  mediaDefault?: string;
  log?: Logger;
  dataDir?: string;
}

/** Starts a printer; it, its connections and its store are closed when the test ends. */
export async function startTestPrinter(
  t: Pick<TestContext, 'after'>,
  options: TestPrinterOptions = {},
): Promise<TestPrinter> {
  const dataDir = options.dataDir ?? tempDir(t, 'cps-ipp-');
  const { store } = await openJobStore({ dataDir });
  const log = options.log ?? memoryLog();
  const printer = createIppPrinter({
    store,
    log,
    maxJobBytes: options.maxJobBytes ?? 64 * 1024 * 1024,
    dataDir,
    mediaDefault: options.mediaDefault ?? 'iso_a4_210x297mm',
    ...(options.sectionTimeoutMs === undefined ? {} : { sectionTimeoutMs: options.sectionTimeoutMs }),
    ...(options.idleTimeoutMs === undefined ? {} : { idleTimeoutMs: options.idleTimeoutMs }),
  });
  const port = await printer.listen(0);
  t.after(async () => {
    const closed = printer.close();
    // A test that left a request hanging must not hold the suite: cut what is still open.
    printer.server.closeAllConnections();
    await closed;
    await store.close();
  });
  return {
    port,
    store,
    printer,
    dataDir,
    log,
    uri: `ipp://127.0.0.1:${port}/ipp/print`,
    spoolFiles: () => readdirSync(join(dataDir, 'spool')).sort(),
  };
}

/** Names in the spool that are not a committed job's `<32 hex>.pdf` or `.json` (temp files, strays). */
export function strayFiles(files: readonly string[]): string[] {
  return files.filter((f) => !/^[0-9a-f]{32}\.(pdf|json)$/.test(f));
}
