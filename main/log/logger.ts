// Logging: JSON lines to rotating files under <data-dir>/logs, readable lines on the console.
// No secret ever reaches a line: keys that name secrets are redacted, and registered secret values are
// scrubbed from every string (the control token, later session tokens).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import winston from 'winston';

/** The narrow logger the core uses. */
export interface Logger {
  info(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
  error(message: string, meta?: Record<string, unknown>): void;
  debug(message: string, meta?: Record<string, unknown>): void;
  /** Never write this value: it is replaced by `[redacted]` wherever it appears. */
  addSecret(value: string): void;
  close(): Promise<void>;
}

const SECRET_KEY = /token|secret|password|passwd|authorization|cookie|ticket|credential/i;
const REDACTED = '[redacted]';
/** Rotation: each file up to 10 MB, five files kept. */
export const LOG_FILE_MAX_BYTES = 10 * 1024 * 1024;
export const LOG_FILES_KEPT = 5;

function scrub(value: unknown, secrets: Set<string>, depth = 0): unknown {
  if (typeof value === 'string') {
    let out = value;
    for (const s of secrets) if (out.includes(s)) out = out.split(s).join(REDACTED);
    return out;
  }
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return { name: value.name, message: scrub(value.message, secrets, depth + 1) };
  if (Array.isArray(value)) return value.map((v) => scrub(v, secrets, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value))
    out[k] = SECRET_KEY.test(k) ? REDACTED : scrub(v, secrets, depth + 1);
  return out;
}

/** Console form: one line per entry; values are JSON-quoted so that a newline in a job name cannot forge a line. */
const consoleLine = winston.format.printf((info) => {
  const { level, message, timestamp, ...meta } = info as Record<string, unknown>;
  const rest = Object.entries(meta)
    .filter(([k]) => typeof k === 'string')
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(' ');
  const text = JSON.stringify(String(message)).slice(1, -1);
  return `${String(timestamp)} ${String(level)} ${text}${rest ? ` ${rest}` : ''}`;
});

/** Creates the logger; `dir` null logs to the console only (tests). */
export function createLogger(options: { dir: string | null; level?: string; console?: boolean }): Logger {
  const secrets = new Set<string>();
  const redact = winston.format((info) => {
    const clean = scrub({ ...info }, secrets) as Record<string, unknown>;
    for (const key of Object.keys(info)) if (!(key in clean)) delete (info as Record<string, unknown>)[key];
    Object.assign(info, clean);
    return info;
  });
  const transports: winston.transport[] = [];
  if (options.dir !== null) {
    mkdirSync(options.dir, { recursive: true, mode: 0o700 });
    transports.push(
      new winston.transports.File({
        filename: join(options.dir, 'spooler.log'),
        maxsize: LOG_FILE_MAX_BYTES,
        maxFiles: LOG_FILES_KEPT,
        tailable: true,
        format: winston.format.json(),
      }),
    );
  }
  if (options.console !== false) {
    transports.push(
      new winston.transports.Console({
        format: consoleLine,
        // stdout carries only the "listening" lines, so scripts can read them; every log line goes to stderr.
        stderrLevels: ['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly'],
      }),
    );
  }
  const logger = winston.createLogger({
    level: options.level ?? 'info',
    format: winston.format.combine(redact(), winston.format.timestamp()),
    transports,
  });
  return {
    info: (m, meta) => logger.info(m, meta),
    warn: (m, meta) => logger.warn(m, meta),
    error: (m, meta) => logger.error(m, meta),
    debug: (m, meta) => logger.debug(m, meta),
    addSecret(value) {
      if (value.length >= 8) secrets.add(value);
    },
    close: () =>
      new Promise<void>((resolve) => {
        logger.on('finish', () => resolve());
        logger.end();
        setTimeout(resolve, 2000).unref();
      }),
  };
}
