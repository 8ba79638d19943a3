// Version negotiation is the server's call (RFC 8011 §4.1.8): the decoder reports whatever version
// a request carries, and the server answers server-error-version-not-supported when this says no.
import type { IppVersion } from './message.js';

/** The versions a printer built on this codec speaks: IPP/1.0, 1.1 and 2.0-2.2. */
export const SUPPORTED_VERSIONS: readonly IppVersion[] = [
  { major: 1, minor: 0 },
  { major: 1, minor: 1 },
  { major: 2, minor: 0 },
  { major: 2, minor: 1 },
  { major: 2, minor: 2 },
];

/** True when `version` is one of `supported` (SUPPORTED_VERSIONS unless given). */
export function isSupportedVersion(
  version: IppVersion,
  supported: readonly IppVersion[] = SUPPORTED_VERSIONS,
) {
  return supported.some((v) => v.major === version.major && v.minor === version.minor);
}

/** The version as the "ipp-versions-supported" keyword spells it, e.g. '2.0'. */
export function versionKeyword(version: IppVersion): string {
  return `${version.major}.${version.minor}`;
}
