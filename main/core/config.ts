// The spooler's settings: command-line flags over environment variables over a JSON config file over
// defaults. Every limit is explicit here.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isIP } from 'node:net';
import { Command, InvalidArgumentError } from 'commander';
import { MEDIA_SIZES, mediaSize } from '../capture/media.js';
import { AUTO_HOSTS, isHostEntry } from '../mfp-server/announced-hosts.js';
import { DEFAULT_RETENTION } from '../spool/retention.js';
import { defaultDataDir } from './platform-paths.js';

/** Everything the core is configured with. */
export interface SpoolerConfig {
  dataDir: string;
  controlPort: number;
  ippPort: number;
  /** Port of the MFP job server (LAN); 0 picks a free one. */
  mfpPort: number;
  /** Address the MFP job server binds to. */
  mfpHost: string;
  /** Names the MFP job server answers to (Host header); `auto` is the machine's own addresses. */
  mfpHosts: string[];
  /** Serve the MFP job server over plain HTTP (legacy MFPs); default HTTPS. */
  mfpInsecureHttp: boolean;
  /** "media-default" of the virtual printer. */
  mediaDefault: string;
  /** The hot folder, or null when it is off. */
  hotFolder: string | null;
  hotFolderStableMs: number;
  maxJobBytes: number;
  retentionDoneHours: number;
  retentionUnprintedDays: number;
  sweepIntervalMinutes: number;
  allowedOrigins: string[];
  logLevel: string;
  /**
   * The cloud server (`http(s)://host[:port][/path]`), or null when there is none (no login). With the
   * embedded server (the default) it is null until the daemon has started that server and filled it in.
   */
  serverUrl: string | null;
  /** The cloud server started inside the spooler process (`--server-url embedded`, the default), or null. */
  embeddedServer: { host: string; port: number; dataDir: string } | null;
  /** How often the desktop asks the server which of its jobs were printed or canceled there. */
  serverPollSeconds: number;
}

/** A setting that cannot be used, with what to do about it. */
export class ConfigError extends Error {}

/** Default job size limit: 1 GiB. */
export const DEFAULT_MAX_JOB_BYTES = 1024 ** 3;

/** Settings read from flags, environment and file (a few combine into one config field). */
type SettingKey = Exclude<keyof SpoolerConfig, 'embeddedServer'> | 'embeddedServerPort';

interface Setting {
  key: SettingKey;
  flag: string;
  env: string;
  help: string;
  parse: (v: string) => unknown;
}

function port(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new InvalidArgumentError(`"${v}" is not a port (0-65535).`);
  return n;
}
function positive(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`"${v}" is not a positive number.`);
  return n;
}
const text = (v: string) => v;
function media(v: string): string {
  if (!mediaSize(v)) {
    throw new InvalidArgumentError(
      `"${v}" is not an offered paper size (${MEDIA_SIZES.map((m) => m.keyword).join(', ')}).`,
    );
  }
  return v;
}
const list = (v: string) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
function bindAddress(v: string): string {
  if (isIP(v) === 0)
    throw new InvalidArgumentError(`"${v}" is not an IP address to listen on (e.g. 0.0.0.0, ::).`);
  return v;
}
function hostList(v: string): string[] {
  const hosts = list(v);
  const bad = hosts.find((h) => !isHostEntry(h));
  if (bad !== undefined || hosts.length === 0) {
    throw new InvalidArgumentError(
      `"${bad ?? v}" is not "${AUTO_HOSTS}", an IP address or a host name (without a port).`,
    );
  }
  return hosts;
}
/** `--server-url` words besides a URL. */
const EMBEDDED = 'embedded';
const NO_SERVER = 'none';

/**
 * The cloud server's address: http(s), no credentials, query or fragment (they would end up in logs); or
 * `embedded` (start the server in this process) or `none` (no server, no login).
 */
function serverUrl(v: string): string {
  if (v === EMBEDDED || v === NO_SERVER) return v;
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    throw new InvalidArgumentError(
      `"${v}" is not a URL (e.g. http://127.0.0.1:8443), "${EMBEDDED}" or "${NO_SERVER}".`,
    );
  }
  if (
    (url.protocol !== 'http:' && url.protocol !== 'https:') ||
    url.username ||
    url.password ||
    url.search ||
    url.hash
  )
    throw new InvalidArgumentError(
      url.username || url.password
        ? 'The server URL must not hold a user name or password.'
        : `"${v}" must be http(s)://host[:port][/path].`,
    );
  return url.href.replace(/\/+$/, '');
}
/** A switch: the bare flag (commander passes no value) is true; env and file say true/false. */
function bool(v?: string): boolean {
  if (v === undefined || /^(1|true|yes|on)$/i.test(v)) return true;
  if (/^(0|false|no|off)$/i.test(v)) return false;
  throw new InvalidArgumentError(`"${v}" is not true or false.`);
}

const SETTINGS: Setting[] = [
  {
    key: 'dataDir',
    flag: '--data-dir <dir>',
    env: 'CPS_DATA_DIR',
    help: 'spool, settings and logs',
    parse: text,
  },
  {
    key: 'controlPort',
    flag: '--control-port <port>',
    env: 'CPS_CONTROL_PORT',
    help: 'control API port',
    parse: port,
  },
  {
    key: 'ippPort',
    flag: '--ipp-port <port>',
    env: 'CPS_IPP_PORT',
    help: 'virtual IPP printer port',
    parse: port,
  },
  {
    key: 'mfpPort',
    flag: '--mfp-port <port>',
    env: 'CPS_MFP_PORT',
    help: 'MFP job server port (LAN)',
    parse: port,
  },
  {
    key: 'mfpHost',
    flag: '--mfp-host <address>',
    env: 'CPS_MFP_HOST',
    help: 'address the MFP job server listens on',
    parse: bindAddress,
  },
  {
    key: 'mfpHosts',
    flag: '--mfp-hosts <list>',
    env: 'CPS_MFP_HOSTS',
    help: 'names the MFP job server answers to ("auto" = this machine\'s addresses; comma-separated)',
    parse: hostList,
  },
  {
    key: 'mfpInsecureHttp',
    flag: '--mfp-insecure-http',
    env: 'CPS_MFP_INSECURE_HTTP',
    help: 'serve the MFP job server over plain HTTP (legacy MFPs; documents cross the LAN unencrypted)',
    parse: bool,
  },
  {
    key: 'mediaDefault',
    flag: '--media-default <keyword>',
    env: 'CPS_MEDIA_DEFAULT',
    help: 'default paper of the virtual printer (PWG name)',
    parse: media,
  },
  {
    key: 'hotFolder',
    flag: '--hot-folder <dir>',
    env: 'CPS_HOT_FOLDER',
    help: 'watched folder, or "off"',
    parse: text,
  },
  {
    key: 'hotFolderStableMs',
    flag: '--hot-folder-stable-ms <ms>',
    env: 'CPS_HOT_FOLDER_STABLE_MS',
    help: 'quiet time before a dropped file is taken',
    parse: positive,
  },
  {
    key: 'maxJobBytes',
    flag: '--max-job-bytes <n>',
    env: 'CPS_MAX_JOB_BYTES',
    help: 'largest document accepted',
    parse: positive,
  },
  {
    key: 'retentionDoneHours',
    flag: '--retention-done-hours <h>',
    env: 'CPS_RETENTION_DONE_HOURS',
    help: 'keep printed/canceled jobs this long',
    parse: positive,
  },
  {
    key: 'retentionUnprintedDays',
    flag: '--retention-unprinted-days <d>',
    env: 'CPS_RETENTION_UNPRINTED_DAYS',
    help: 'keep never-printed jobs this long',
    parse: positive,
  },
  {
    key: 'sweepIntervalMinutes',
    flag: '--sweep-interval-minutes <m>',
    env: 'CPS_SWEEP_INTERVAL_MINUTES',
    help: 'how often retention runs',
    parse: positive,
  },
  {
    key: 'allowedOrigins',
    flag: '--allowed-origins <list>',
    env: 'CPS_ALLOWED_ORIGINS',
    help: 'browser origins allowed on the control API (comma-separated)',
    parse: list,
  },
  {
    key: 'serverUrl',
    flag: '--server-url <url>',
    env: 'CPS_SERVER_URL',
    help: `the cloud server's URL, "${EMBEDDED}" (start one in this process, the default) or "${NO_SERVER}"`,
    parse: serverUrl,
  },
  {
    key: 'embeddedServerPort',
    flag: '--embedded-server-port <n>',
    env: 'CPS_EMBEDDED_SERVER_PORT',
    help: 'port of the embedded cloud server (127.0.0.1 only)',
    parse: port,
  },
  {
    key: 'serverPollSeconds',
    flag: '--server-poll-seconds <s>',
    env: 'CPS_SERVER_POLL_SECONDS',
    help: 'how often printed and canceled jobs are asked of the server',
    parse: positive,
  },
  {
    key: 'logLevel',
    flag: '--log-level <level>',
    env: 'CPS_LOG_LEVEL',
    help: 'error, warn, info or debug',
    parse: text,
  },
];

/** Parses argv (without node and script), the environment and the config file into a SpoolerConfig. */
export function loadConfig(argv: string[], env: NodeJS.ProcessEnv = process.env): SpoolerConfig {
  const program = new Command('cps-spooler')
    .description('Cloud Print and Scan spooler, headless')
    .option('--config <file>', 'JSON config file (default <data-dir>/config.json if present)')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  for (const s of SETTINGS) program.option(s.flag, `${s.help} (env ${s.env})`, s.parse);
  program.parse(argv, { from: 'user' });
  const flags = program.opts<Record<string, unknown>>();

  const fromEnv: Partial<Record<SettingKey, unknown>> = {};
  for (const s of SETTINGS) {
    const v = env[s.env];
    if (v === undefined || v === '') continue;
    try {
      fromEnv[s.key] = s.parse(v);
    } catch (err) {
      throw new ConfigError(`${s.env}: ${(err as Error).message}`);
    }
  }
  const pick = (key: SettingKey) => (flags[key] !== undefined ? flags[key] : fromEnv[key]);
  const dataDir = resolve(String(pick('dataDir') ?? defaultDataDir()));

  const fileSettings: Record<string, unknown> = {};
  const explicitFile = (flags.config as string | undefined) ?? env.CPS_CONFIG;
  const configFile = explicitFile ?? join(dataDir, 'config.json');
  try {
    Object.assign(fileSettings, JSON.parse(readFileSync(configFile, 'utf8')) as Record<string, unknown>);
  } catch (err) {
    const code = (err as { code?: string }).code;
    // No default config file (or no data dir yet: the data dir check names that problem) is fine.
    if (explicitFile !== undefined || (code !== 'ENOENT' && code !== 'ENOTDIR')) {
      throw new ConfigError(`The config file ${configFile} cannot be used: ${(err as Error).message}`);
    }
  }
  const value = <T>(key: SettingKey, fallback: T): T => {
    const v = pick(key);
    if (v !== undefined) return v as T;
    if (fileSettings[key] === undefined) return fallback;
    const s = SETTINGS.find((x) => x.key === key) as Setting;
    const raw = fileSettings[key];
    try {
      return s.parse(Array.isArray(raw) ? raw.join(',') : String(raw)) as T;
    } catch (err) {
      throw new ConfigError(`${configFile}: "${key}": ${(err as Error).message}`);
    }
  };
  const hot = value<string>('hotFolder', join(dataDir, 'hotfolder'));
  return {
    dataDir,
    controlPort: value('controlPort', 5570),
    ippPort: value('ippPort', 5572),
    mfpPort: value('mfpPort', 5571),
    mfpHost: value('mfpHost', '0.0.0.0'),
    mfpHosts: value('mfpHosts', [AUTO_HOSTS]),
    mfpInsecureHttp: value('mfpInsecureHttp', false),
    mediaDefault: value('mediaDefault', 'iso_a4_210x297mm'),
    hotFolder: hot === 'off' ? null : resolve(hot),
    hotFolderStableMs: value('hotFolderStableMs', 1000),
    maxJobBytes: Math.floor(value('maxJobBytes', DEFAULT_MAX_JOB_BYTES)),
    retentionDoneHours: value('retentionDoneHours', DEFAULT_RETENTION.doneMs / 3600_000),
    retentionUnprintedDays: value('retentionUnprintedDays', DEFAULT_RETENTION.unprintedMs / 86400_000),
    sweepIntervalMinutes: value('sweepIntervalMinutes', 10),
    allowedOrigins: value('allowedOrigins', []),
    logLevel: value('logLevel', 'info'),
    ...server(value<string>('serverUrl', EMBEDDED), value('embeddedServerPort', 8443), dataDir),
    serverPollSeconds: value('serverPollSeconds', 30),
  };
}

/** What `--server-url` and `--embedded-server-port` mean together. */
function server(
  url: string,
  embeddedPort: number,
  dataDir: string,
): Pick<SpoolerConfig, 'serverUrl' | 'embeddedServer'> {
  if (url === NO_SERVER) return { serverUrl: null, embeddedServer: null };
  if (url !== EMBEDDED) return { serverUrl: url, embeddedServer: null };
  // Loopback only: a server on the LAN needs TLS and its own care (`npm run server`, see the README).
  return {
    serverUrl: null,
    embeddedServer: { host: '127.0.0.1', port: embeddedPort, dataDir: join(dataDir, 'server') },
  };
}
