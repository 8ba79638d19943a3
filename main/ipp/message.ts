// The IPP message model: plain data, no behaviour. Every value keeps its wire tag, so a value whose
// tag we do not interpret still round-trips byte for byte.
import type { GroupTagValue } from './group-tags.js';
import type {
  IntegerTag,
  OpaqueValueTag,
  OutOfBandTag,
  StringTag,
  StringWithLanguageTag,
  ValueTag,
} from './value-tags.js';

/** The version-number field (RFC 8010 §3.1.1): two octets, major then minor. */
export interface IppVersion {
  major: number;
  minor: number;
}

/** A dateTime value (RFC 8010 §3.9: the 11-octet DateAndTime of RFC 2579), field by field. */
export interface IppDateTime {
  year: number;
  month: number; // 1-12
  day: number; // 1-31
  hours: number; // 0-23
  minutes: number; // 0-59
  seconds: number; // 0-60 (leap second)
  deciSeconds: number; // 0-9
  utcDirection: '+' | '-';
  utcHours: number;
  utcMinutes: number;
}

/** A resolution value (RFC 8010 §3.9): cross-feed x, feed y, and the unit. */
export interface IppResolution {
  x: number;
  y: number;
  units: 'dpi' | 'dpcm';
}

/** A rangeOfInteger value (RFC 8010 §3.9). */
export interface IppRange {
  lower: number;
  upper: number;
}

/** A textWithLanguage or nameWithLanguage value (RFC 8010 §3.9). */
export interface IppStringWithLanguage {
  lang: string;
  text: string;
}

/**
 * One attribute value with its tag. Out-of-band values have no bytes (`null`); a few vendors send
 * bytes anyway (CUPS notes Brother printers doing so), and those are kept as a Buffer.
 */
export type IppValue =
  | { tag: OutOfBandTag; value: null | Buffer }
  | { tag: IntegerTag; value: number }
  | { tag: typeof ValueTag.boolean; value: boolean }
  | { tag: typeof ValueTag.octetString; value: Buffer }
  | { tag: typeof ValueTag.dateTime; value: IppDateTime }
  | { tag: typeof ValueTag.resolution; value: IppResolution }
  | { tag: typeof ValueTag.rangeOfInteger; value: IppRange }
  | { tag: typeof ValueTag.begCollection; value: IppAttribute[] }
  | { tag: StringWithLanguageTag; value: IppStringWithLanguage }
  | { tag: StringTag; value: string }
  | { tag: OpaqueValueTag; value: Buffer };

/** An attribute: a name and one or more values (a 1setOf is several values, RFC 8010 §3.1.5). */
export interface IppAttribute {
  name: string;
  values: IppValue[];
}

/** An attribute group opened by a delimiter tag (RFC 8010 §3.1.2). Groups may repeat (Get-Jobs). */
export interface IppGroup {
  tag: GroupTagValue;
  attributes: IppAttribute[];
}

/** A request or a response, without its document data. */
export interface IppMessage {
  version: IppVersion;
  /** The operation-id of a request or the status-code of a response (RFC 8010 §3.1.1). */
  operationIdOrStatus: number;
  requestId: number;
  groups: IppGroup[];
}
