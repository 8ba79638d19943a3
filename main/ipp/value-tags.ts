// Value tags (RFC 8010 §3.5.2): one octet in front of every attribute value, naming its syntax.
// Ranges matter more than single values: a decoder that meets a tag it does not know still knows
// its family from the range, and keeps the bytes so that the value survives a round trip.

/** Every registered value tag, keyed by its RFC 8010 §3.5.2 name (hyphenated names in camelCase). */
export const ValueTag = {
  // Out-of-band values (0x10-0x1F): no value bytes; RFC 8011 §5.1.1.
  unsupported: 0x10,
  default: 0x11,
  unknown: 0x12,
  noValue: 0x13,
  notSettable: 0x15, // RFC 3380
  deleteAttribute: 0x16, // RFC 3380
  adminDefine: 0x17, // RFC 3380
  // Integer family (0x20-0x2F).
  integer: 0x21,
  boolean: 0x22,
  enum: 0x23,
  // Octet-string family (0x30-0x3F).
  octetString: 0x30,
  dateTime: 0x31,
  resolution: 0x32,
  rangeOfInteger: 0x33,
  begCollection: 0x34,
  textWithLanguage: 0x35,
  nameWithLanguage: 0x36,
  endCollection: 0x37,
  // Character-string family (0x40-0x5F).
  textWithoutLanguage: 0x41,
  nameWithoutLanguage: 0x42,
  keyword: 0x44,
  uri: 0x45,
  uriScheme: 0x46,
  charset: 0x47,
  naturalLanguage: 0x48,
  mimeMediaType: 0x49,
  memberAttrName: 0x4a,
  // Reserved: RFC 2910's escape to a 32-bit tag. RFC 8010 §3.5.2 keeps 0x7F reserved and no
  // deployed client sends it; read the 2910 way, its 4-byte tag can alias a delimiter, so the
  // decoder refuses it (regression seed: CVE-2025-58364).
  extension: 0x7f,
} as const;

/** The name of a registered value tag, e.g. `'keyword'`. */
export type ValueTagName = keyof typeof ValueTag;

/** The registry's own spelling of each value tag, for messages and logs (`no-value`, not `noValue`). */
export const VALUE_TAG_NAMES: Readonly<Record<number, string>> = {
  0x10: 'unsupported',
  0x11: 'default',
  0x12: 'unknown',
  0x13: 'no-value',
  0x15: 'not-settable',
  0x16: 'delete-attribute',
  0x17: 'admin-define',
  0x21: 'integer',
  0x22: 'boolean',
  0x23: 'enum',
  0x30: 'octetString',
  0x31: 'dateTime',
  0x32: 'resolution',
  0x33: 'rangeOfInteger',
  0x34: 'begCollection',
  0x35: 'textWithLanguage',
  0x36: 'nameWithLanguage',
  0x37: 'endCollection',
  0x41: 'textWithoutLanguage',
  0x42: 'nameWithoutLanguage',
  0x44: 'keyword',
  0x45: 'uri',
  0x46: 'uriScheme',
  0x47: 'charset',
  0x48: 'naturalLanguage',
  0x49: 'mimeMediaType',
  0x4a: 'memberAttrName',
  0x7f: 'extension',
};

/** A readable name for any tag octet: the registry name, or `0xNN` when the tag is not registered. */
export function valueTagName(tag: number): string {
  return VALUE_TAG_NAMES[tag] ?? `0x${tag.toString(16).padStart(2, '0')}`;
}

// The numbers 0..N-1 as a union of literals, so that tags outside the known set can be typed
// precisely and `value.tag === ValueTag.keyword` narrows `value.value` to a string.
type Range<N extends number, Acc extends number[] = []> = Acc['length'] extends N
  ? Acc[number]
  : Range<N, [...Acc, Acc['length']]>;

type Octet = Range<256>;
type DelimiterRange = Range<16>;
type OutOfBandRange = Exclude<Range<32>, DelimiterRange>;

/** Tags 0x10-0x1F: out-of-band values, registered or not (RFC 8010 §3.5.2). */
export type OutOfBandTag = OutOfBandRange;

/** Tags whose value is a signed 32-bit integer. */
export type IntegerTag = typeof ValueTag.integer | typeof ValueTag.enum;

/** Tags whose value is a UTF-8 string (RFC 8011 §5.1; IPP/2.x requires UTF-8). */
export type StringTag =
  | typeof ValueTag.textWithoutLanguage
  | typeof ValueTag.nameWithoutLanguage
  | typeof ValueTag.keyword
  | typeof ValueTag.uri
  | typeof ValueTag.uriScheme
  | typeof ValueTag.charset
  | typeof ValueTag.naturalLanguage
  | typeof ValueTag.mimeMediaType;

/** Tags whose value is a language tag plus a string (RFC 8010 §3.9). */
export type StringWithLanguageTag = typeof ValueTag.textWithLanguage | typeof ValueTag.nameWithLanguage;

/** Tags that only structure collections on the wire and never appear as a value in the model. */
export type StructuralTag = typeof ValueTag.endCollection | typeof ValueTag.memberAttrName;

/** Every tag the model decodes to a typed value. */
export type KnownValueTag =
  | IntegerTag
  | StringTag
  | StringWithLanguageTag
  | typeof ValueTag.boolean
  | typeof ValueTag.octetString
  | typeof ValueTag.dateTime
  | typeof ValueTag.resolution
  | typeof ValueTag.rangeOfInteger
  | typeof ValueTag.begCollection;

/** Tags the codec does not interpret: their value bytes are kept as a Buffer and written back as is. */
export type OpaqueValueTag = Exclude<
  Octet,
  DelimiterRange | OutOfBandTag | KnownValueTag | StructuralTag | typeof ValueTag.extension
>;

/** True for tags 0x10-0x1F (out-of-band, RFC 8010 §3.5.2). */
export function isOutOfBandTag(tag: number): tag is OutOfBandTag {
  return tag >= 0x10 && tag <= 0x1f;
}

/** True for a tag octet that is neither a delimiter, nor structural, nor out-of-band, nor typed by us. */
export function isOpaqueValueTag(tag: number): tag is OpaqueValueTag {
  if (!Number.isInteger(tag) || tag < 0x20 || tag > 0xff || tag === ValueTag.extension) return false;
  return !(tag in VALUE_TAG_NAMES);
}
