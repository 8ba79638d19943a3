// Values of the common 'type2 enum' attributes (RFC 8011 §5.1 and the IANA IPP registry), so that
// a response can say `attr('printer-state', 'enum', 'idle')` instead of a bare 3.
import { Operation } from './operations.js';

/** "job-state" (RFC 8011 §5.3.7). */
export const JobState = {
  pending: 3,
  'pending-held': 4,
  processing: 5,
  'processing-stopped': 6,
  canceled: 7,
  aborted: 8,
  completed: 9,
} as const;

/** "printer-state" (RFC 8011 §5.4.11). */
export const PrinterState = { idle: 3, processing: 4, stopped: 5 } as const;

/** "document-state" (PWG 5100.5): the same numbers as "job-state" without the held/stopped states. */
export const DocumentState = { pending: 3, processing: 5, canceled: 7, aborted: 8, completed: 9 } as const;

/** "orientation-requested" (RFC 8011 §5.2.10 and PWG 5100.13 for `none`). */
export const OrientationRequested = {
  portrait: 3,
  landscape: 4,
  'reverse-landscape': 5,
  'reverse-portrait': 6,
  none: 7,
} as const;

/** "print-quality" (RFC 8011 §5.2.13). */
export const PrintQuality = { draft: 3, normal: 4, high: 5 } as const;

/** "finishings" (RFC 8011 §5.2.6 and PWG 5100.1). */
export const Finishings = {
  none: 3,
  staple: 4,
  punch: 5,
  cover: 6,
  bind: 7,
  'saddle-stitch': 8,
  'edge-stitch': 9,
  fold: 10,
  trim: 11,
  bale: 12,
  'booklet-maker': 13,
  'jog-offset': 14,
  coat: 15,
  laminate: 16,
  'staple-top-left': 20,
  'staple-bottom-left': 21,
  'staple-top-right': 22,
  'staple-bottom-right': 23,
  'edge-stitch-left': 24,
  'edge-stitch-top': 25,
  'edge-stitch-right': 26,
  'edge-stitch-bottom': 27,
  'staple-dual-left': 28,
  'staple-dual-top': 29,
  'staple-dual-right': 30,
  'staple-dual-bottom': 31,
  'staple-triple-left': 32,
  'staple-triple-top': 33,
  'staple-triple-right': 34,
  'staple-triple-bottom': 35,
  'bind-left': 50,
  'bind-top': 51,
  'bind-right': 52,
  'bind-bottom': 53,
  'trim-after-pages': 60,
  'trim-after-documents': 61,
  'trim-after-copies': 62,
  'trim-after-job': 63,
  'punch-top-left': 70,
  'punch-bottom-left': 71,
  'punch-top-right': 72,
  'punch-bottom-right': 73,
  'punch-dual-left': 74,
  'punch-dual-top': 75,
  'punch-dual-right': 76,
  'punch-dual-bottom': 77,
  'punch-triple-left': 78,
  'punch-triple-top': 79,
  'punch-triple-right': 80,
  'punch-triple-bottom': 81,
  'punch-quad-left': 82,
  'punch-quad-top': 83,
  'punch-quad-right': 84,
  'punch-quad-bottom': 85,
  'punch-multiple-left': 86,
  'punch-multiple-top': 87,
  'punch-multiple-right': 88,
  'punch-multiple-bottom': 89,
  'fold-accordion': 90,
  'fold-double-gate': 91,
  'fold-gate': 92,
  'fold-half': 93,
  'fold-half-z': 94,
  'fold-left-gate': 95,
  'fold-letter': 96,
  'fold-parallel': 97,
  'fold-poster': 98,
  'fold-right-gate': 99,
  'fold-z': 100,
  'fold-engineering-z': 101,
} as const;

/** A table from enum keyword to number. */
export type EnumTable = Readonly<Record<string, number>>;

// Each table also serves the -default / -supported / -ready / -actual attributes of the same
// family (RFC 8011 §5.2: "xxx-default" and "xxx-supported" share the syntax of "xxx").
const FAMILIES: Readonly<Record<string, EnumTable>> = {
  'job-state': JobState,
  'printer-state': PrinterState,
  'document-state': DocumentState,
  'orientation-requested': OrientationRequested,
  'print-quality': PrintQuality,
  finishings: Finishings,
};

const SUFFIXES = ['-default', '-supported', '-ready', '-actual'];

/** The enum table for an attribute name ("printer-state", "finishings-supported", ...), if any. */
export function enumTableFor(attributeName: string): EnumTable | undefined {
  if (attributeName === 'operations-supported' || attributeName === 'operation-id') return Operation;
  const direct = FAMILIES[attributeName];
  if (direct) return direct;
  for (const suffix of SUFFIXES) {
    if (attributeName.endsWith(suffix)) {
      const family = FAMILIES[attributeName.slice(0, -suffix.length)];
      if (family) return family;
    }
  }
  return undefined;
}

/** The number for an enum keyword of an attribute, e.g. ('printer-state', 'idle') -> 3. */
export function enumValue(attributeName: string, keyword: string): number | undefined {
  const table = enumTableFor(attributeName);
  if (!table || !Object.prototype.hasOwnProperty.call(table, keyword)) return undefined;
  return table[keyword];
}

/** The keyword for an enum number of an attribute, e.g. ('printer-state', 3) -> 'idle'. */
export function enumKeyword(attributeName: string, value: number): string | undefined {
  const table = enumTableFor(attributeName);
  if (!table) return undefined;
  for (const [keyword, number] of Object.entries(table)) if (number === value) return keyword;
  return undefined;
}
