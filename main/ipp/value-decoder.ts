// Turns the bytes of one attribute value into a typed value (RFC 8010 §3.9), and checks a declared
// value-length before the bytes arrive, so that a stream can refuse an oversized value early.
import { isUtf8 } from 'node:buffer';
import { DATE_TIME_LENGTH, readDateTime } from './date-time.js';
import { IppParseError } from './errors.js';
import { maxValueLengthFor, type IppLimits } from './limits.js';
import type { IppValue } from './message.js';
import { isOutOfBandTag, isOpaqueValueTag, ValueTag, valueTagName } from './value-tags.js';

// Fixed value-lengths (RFC 8010 §3.9). begCollection and endCollection carry no value (§3.1.6).
const FIXED_LENGTH: Readonly<Record<number, number>> = {
  [ValueTag.integer]: 4,
  [ValueTag.enum]: 4,
  [ValueTag.boolean]: 1,
  [ValueTag.dateTime]: DATE_TIME_LENGTH,
  [ValueTag.resolution]: 9,
  [ValueTag.rangeOfInteger]: 8,
  [ValueTag.begCollection]: 0,
  [ValueTag.endCollection]: 0,
};

/** Refuses a declared value-length that the tag cannot have or the limits do not allow. */
export function checkValueLength(tag: number, length: number, limits: IppLimits, offset: number): void {
  const fixed = FIXED_LENGTH[tag];
  if (fixed !== undefined) {
    if (length !== fixed) {
      throw new IppParseError(
        'bad-value-length',
        `a ${valueTagName(tag)} value must be ${fixed} octets, not ${length}`,
        offset,
      );
    }
    return;
  }
  const max = maxValueLengthFor(tag, limits);
  if (length > max) {
    throw new IppParseError(
      'value-too-long',
      `a ${valueTagName(tag)} value of ${length} octets is over the limit of ${max}; send a shorter value`,
      offset,
    );
  }
}

/** Decodes UTF-8, refusing invalid sequences instead of replacing them with U+FFFD. */
export function readUtf8(bytes: Buffer, start: number, length: number, offset: number, what: string): string {
  const slice = bytes.subarray(start, start + length);
  if (!isUtf8(slice)) throw new IppParseError('invalid-utf8', `${what} is not valid UTF-8`, offset);
  return slice.toString('utf8');
}

// Copies, never views: a view would pin the whole chunk it came from, and a stream reuses nothing
// it has handed out, so a 64 KiB socket chunk would live as long as the decoded message.
function copyBytes(bytes: Buffer, start: number, length: number): Buffer {
  return Buffer.from(bytes.subarray(start, start + length));
}

/**
 * Decodes one value whose length has passed checkValueLength. `offset` is the absolute position of
 * the value's first byte, for error reports. begCollection yields an empty member list to fill.
 */
export function decodeValue(
  tag: number,
  bytes: Buffer,
  start: number,
  length: number,
  offset: number,
): IppValue {
  if (isOutOfBandTag(tag)) return { tag, value: length === 0 ? null : copyBytes(bytes, start, length) };
  switch (tag) {
    case ValueTag.integer:
    case ValueTag.enum:
      return { tag, value: bytes.readInt32BE(start) };
    case ValueTag.boolean: {
      const octet = bytes[start];
      if (octet !== 0 && octet !== 1) {
        throw new IppParseError('bad-value', `a boolean must be 0x00 or 0x01, not ${String(octet)}`, offset);
      }
      return { tag, value: octet === 1 };
    }
    case ValueTag.octetString:
      return { tag, value: copyBytes(bytes, start, length) };
    case ValueTag.dateTime: {
      const value = readDateTime(bytes, start);
      if (!value) throw new IppParseError('bad-value', 'a dateTime field is out of range (RFC 2579)', offset);
      return { tag, value };
    }
    case ValueTag.resolution: {
      const unit = bytes[start + 8];
      if (unit !== 3 && unit !== 4) {
        throw new IppParseError(
          'bad-value',
          `resolution units must be 3 (dpi) or 4 (dpcm), not ${unit}`,
          offset,
        );
      }
      const x = bytes.readInt32BE(start);
      const y = bytes.readInt32BE(start + 4);
      return { tag, value: { x, y, units: unit === 3 ? 'dpi' : 'dpcm' } };
    }
    case ValueTag.rangeOfInteger:
      return { tag, value: { lower: bytes.readInt32BE(start), upper: bytes.readInt32BE(start + 4) } };
    case ValueTag.begCollection:
      return { tag, value: [] };
    case ValueTag.textWithLanguage:
    case ValueTag.nameWithLanguage:
      return { tag, value: readStringWithLanguage(bytes, start, length, offset) };
    case ValueTag.textWithoutLanguage:
    case ValueTag.nameWithoutLanguage:
    case ValueTag.keyword:
    case ValueTag.uri:
    case ValueTag.uriScheme:
    case ValueTag.charset:
    case ValueTag.naturalLanguage:
    case ValueTag.mimeMediaType:
      return { tag, value: readUtf8(bytes, start, length, offset, `a ${valueTagName(tag)} value`) };
    default:
      if (isOpaqueValueTag(tag)) return { tag, value: copyBytes(bytes, start, length) };
      // Structural and delimiter tags never reach here; the message parser handles them.
      throw new IppParseError('reserved-tag', `tag ${valueTagName(tag)} cannot carry a value`, offset - 1);
  }
}

// RFC 8010 §3.9: a 2-octet language length, the language, a 2-octet text length, the text, and the
// two lengths must add up to the value-length. CUPS once trusted the inner length and read past
// the value (CVE-2020-10001); here every inner length is checked against the outer one.
function readStringWithLanguage(bytes: Buffer, start: number, length: number, offset: number) {
  if (length < 4) {
    throw new IppParseError(
      'bad-language-length',
      `a value with language needs 4 octets, has ${length}`,
      offset,
    );
  }
  const langLength = bytes.readUInt16BE(start);
  if (2 + langLength + 2 > length) {
    throw new IppParseError(
      'bad-language-length',
      `the language length ${langLength} runs past the value length ${length}`,
      offset,
    );
  }
  const textAt = start + 2 + langLength;
  const textLength = bytes.readUInt16BE(textAt);
  if (2 + langLength + 2 + textLength !== length) {
    throw new IppParseError(
      'bad-language-length',
      `language (${langLength}) and text (${textLength}) lengths do not add up to the value length ${length}`,
      offset + 2 + langLength,
    );
  }
  const lang = readUtf8(bytes, start + 2, langLength, offset + 2, 'a language tag');
  const text = readUtf8(bytes, textAt + 2, textLength, offset + 4 + langLength, 'a text value');
  return { lang, text };
}
