// Plain HTTP is for development on this machine only: refuse it on any other address unless told otherwise.
import { isIP } from 'node:net';

/** True for a host name or address that only this machine can reach. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h === '::1') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  return h === '::ffff:127.0.0.1';
}

/** Why a listen configuration is refused, or null when it is acceptable. */
export function checkListenSafety(opts: {
  host: string;
  tls: boolean;
  allowInsecureHttp: boolean;
}): string | null {
  if (opts.tls || opts.allowInsecureHttp || isLoopback(opts.host)) return null;
  return (
    `Refusing plain HTTP on ${opts.host}: give --tls-cert and --tls-key, bind to 127.0.0.1, ` +
    'or pass --allow-insecure-http (e.g. behind a TLS-terminating proxy).'
  );
}
