// The addresses the MFP job server answers to. The spooler tells the server where its jobs are (an address
// of this machine and the port); a request naming any other Host is refused with 421, so a web page that
// rebinds its own DNS name to this desktop's address (DNS rebinding) reaches nothing.
import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';
import type { NetworkInterfaceInfo } from 'node:os';

/** The list entry that stands for this machine's own addresses (see `--mfp-hosts`). */
export const AUTO_HOSTS = 'auto';

/** How long the machine's addresses are cached: a DHCP change is followed within this time. */
const INTERFACES_TTL_MS = 5000;

const HOST_NAME =
  /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;

/** True when `entry` may stand in `--mfp-hosts`: `auto`, an IP address or a DNS name (no port). */
export function isHostEntry(entry: string): boolean {
  return entry === AUTO_HOSTS || isIP(entry) !== 0 || HOST_NAME.test(entry.toLowerCase());
}

/** How a host appears in a Host header: IPv6 in brackets, names in lower case. */
export function hostForHeader(host: string): string {
  const bare = host.replace(/%.*$/, '');
  return isIP(bare) === 6 ? `[${bare.toLowerCase()}]` : bare.toLowerCase();
}

/** The machine's non-internal IPv4 and IPv6 addresses. */
export function machineAddresses(
  read: () => NodeJS.Dict<NetworkInterfaceInfo[]> = networkInterfaces,
): string[] {
  const out: string[] = [];
  for (const list of Object.values(read())) {
    for (const info of list ?? []) if (!info.internal) out.push(info.address);
  }
  return out;
}

/** Decides which Host headers are this server's. */
export interface HostPolicy {
  /** True when `host` (a Host header) names one of the announced addresses with this server's port. */
  allows(host: string | undefined): boolean;
  /** The announced `host:port` values, for the log and for the location the server is told. */
  hosts(): string[];
}

/**
 * `entries` are from `--mfp-hosts` (default `['auto']`: the machine's non-internal addresses plus
 * 127.0.0.1, [::1] and localhost). `port` is read on every call (it is known only after listen).
 */
export function createHostPolicy(options: {
  entries: readonly string[];
  port: () => number;
  interfaces?: () => string[];
  now?: () => number;
}): HostPolicy {
  const now = options.now ?? Date.now;
  const interfaces = options.interfaces ?? (() => machineAddresses());
  let cached: { at: number; port: number; set: Set<string> } | null = null;

  const current = (): Set<string> => {
    const port = options.port();
    const t = now();
    if (cached && cached.port === port && t - cached.at < INTERFACES_TTL_MS) return cached.set;
    const names = new Set<string>();
    for (const entry of options.entries) {
      if (entry === AUTO_HOSTS) {
        for (const a of ['127.0.0.1', '::1', 'localhost', ...interfaces()]) names.add(hostForHeader(a));
      } else names.add(hostForHeader(entry));
    }
    const set = new Set([...names].map((n) => `${n}:${port}`));
    cached = { at: t, port, set };
    return set;
  };

  return {
    allows: (host) => typeof host === 'string' && current().has(host.toLowerCase()),
    hosts: () => [...current()],
  };
}
