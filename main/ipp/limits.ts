// Decoder limits. Every one is explicit and overridable: a request comes from the network, and the
// decoder must refuse a hostile one before it costs memory, not after.
import { ValueTag } from './value-tags.js';

/** The largest value-length or name-length the wire can carry (RFC 8010 §3.2: SIGNED-SHORT). */
export const WIRE_MAX_LENGTH = 0x7fff;

/** Limits applied while decoding. */
export interface IppLimits {
  /** Bytes from the first header byte through end-of-attributes-tag (the document is not counted). */
  maxSectionBytes: number;
  /** Attributes in the whole message, collection members included. */
  maxAttributes: number;
  /** Values of a single attribute or member (a 1setOf). */
  maxValuesPerAttribute: number;
  /**
   * Values in the whole message. A value costs about 5 octets on the wire and some 50 bytes of
   * heap once decoded, so this caps what a hostile 1 MiB request can cost after decoding.
   */
  maxValues: number;
  /** Collections nested in one another; a top-level collection is depth 1. */
  maxCollectionDepth: number;
  /** Octets of an attribute name; names are keywords, 255 octets at most (RFC 8011 §5.1). */
  maxNameLength: number;
  /** Octets of a value, by value tag; a tag missing here may use up to WIRE_MAX_LENGTH. */
  maxValueLength: Readonly<Partial<Record<number, number>>>;
}

// RFC 8011 §5.1 gives the syntax maxima. The one departure: name(MAX) is 255 there, but real
// clients send longer "job-name" values (a document title in a CJK script passes 255 octets
// quickly), so names get the text maximum and the server may truncate.
const TEXT_MAX = 1023;
const LANGUAGE_MAX = 63;

/** The default limits, sized for print requests from desktop clients. */
export const DEFAULT_LIMITS: Readonly<IppLimits> = Object.freeze({
  maxSectionBytes: 1024 * 1024,
  maxAttributes: 10_000,
  maxValuesPerAttribute: 2_048,
  maxValues: 100_000,
  maxCollectionDepth: 32,
  maxNameLength: 255,
  maxValueLength: Object.freeze({
    [ValueTag.octetString]: 1023,
    [ValueTag.textWithoutLanguage]: TEXT_MAX,
    [ValueTag.nameWithoutLanguage]: TEXT_MAX,
    // two length fields, the language, the text (RFC 8010 §3.9)
    [ValueTag.textWithLanguage]: 2 + LANGUAGE_MAX + 2 + TEXT_MAX,
    [ValueTag.nameWithLanguage]: 2 + LANGUAGE_MAX + 2 + TEXT_MAX,
    [ValueTag.keyword]: 255,
    [ValueTag.memberAttrName]: 255,
    [ValueTag.uri]: 1023,
    [ValueTag.uriScheme]: 63,
    [ValueTag.charset]: 63,
    [ValueTag.naturalLanguage]: LANGUAGE_MAX,
    [ValueTag.mimeMediaType]: 255,
  }),
});

/** The defaults with some limits replaced; `maxValueLength` entries merge tag by tag. */
export function resolveLimits(overrides: Partial<IppLimits> = {}): IppLimits {
  return {
    ...DEFAULT_LIMITS,
    ...overrides,
    maxValueLength: { ...DEFAULT_LIMITS.maxValueLength, ...overrides.maxValueLength },
  };
}

/** The largest value a tag may carry under these limits. */
export function maxValueLengthFor(tag: number, limits: IppLimits): number {
  return Math.min(limits.maxValueLength[tag] ?? WIRE_MAX_LENGTH, WIRE_MAX_LENGTH);
}
