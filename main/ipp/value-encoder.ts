// Writes the value-length and value of one attribute value (RFC 8010 §3.9), after checking that the
// JS value fits its tag: the model is plain data, so a caller can hand us anything at run time.
import { DATE_TIME_LENGTH, invalidDateTimeField, writeDateTime } from './date-time.js';
import type { ByteWriter } from './byte-writer.js';
import { IppEncodeError } from './errors.js';
import { WIRE_MAX_LENGTH } from './limits.js';
import type { IppDateTime, IppRange, IppResolution, IppStringWithLanguage, IppValue } from './message.js';
import { isOpaqueValueTag, isOutOfBandTag, ValueTag, valueTagName } from './value-tags.js';

const INT32_MIN = -0x80000000;
const INT32_MAX = 0x7fffffff;

/** A lone UTF-16 surrogate cannot be encoded as UTF-8; Buffer.from would silently write U+FFFD. */
const LONE_SURROGATE = /\p{Surrogate}/u;

/** UTF-8 bytes of a string that must be well-formed. */
export function utf8Bytes(value: unknown, path: string): Buffer {
  if (typeof value !== 'string') throw new IppEncodeError('invalid-value', 'expected a string', path);
  if (LONE_SURROGATE.test(value)) {
    throw new IppEncodeError('invalid-value', 'the string has a lone UTF-16 surrogate', path);
  }
  return Buffer.from(value, 'utf8');
}

/** Writes value-length and value for `value` (begCollection writes length 0 and no members). */
export function writeValue(writer: ByteWriter, value: IppValue, path: string): void {
  const tag: number = value.tag;
  const data: unknown = value.value;
  if (isOutOfBandTag(tag)) {
    if (data === null) return writer.uint16(0);
    return writeBytes(writer, asBytes(data, path), path);
  }
  switch (tag) {
    case ValueTag.integer:
    case ValueTag.enum:
      writer.uint16(4);
      return writer.int32(asInt32(data, path));
    case ValueTag.boolean:
      if (typeof data !== 'boolean') throw new IppEncodeError('invalid-value', 'expected a boolean', path);
      writer.uint16(1);
      return writer.uint8(data ? 1 : 0);
    case ValueTag.dateTime: {
      const field =
        typeof data === 'object' && data !== null ? invalidDateTimeField(data as IppDateTime) : 'year';
      if (field !== undefined)
        throw new IppEncodeError('invalid-value', `dateTime field ${field} is invalid`, path);
      writer.uint16(DATE_TIME_LENGTH);
      const { target, at } = writer.claim(DATE_TIME_LENGTH);
      return writeDateTime(data as IppDateTime, target, at);
    }
    case ValueTag.resolution: {
      const { x, y, units } = asObject<IppResolution>(data, path);
      if (units !== 'dpi' && units !== 'dpcm')
        throw new IppEncodeError('invalid-value', 'units must be dpi or dpcm', path);
      writer.uint16(9);
      writer.int32(asInt32(x, path));
      writer.int32(asInt32(y, path));
      return writer.uint8(units === 'dpi' ? 3 : 4);
    }
    case ValueTag.rangeOfInteger: {
      const { lower, upper } = asObject<IppRange>(data, path);
      writer.uint16(8);
      writer.int32(asInt32(lower, path));
      return writer.int32(asInt32(upper, path));
    }
    case ValueTag.begCollection:
      if (!Array.isArray(data)) throw new IppEncodeError('invalid-value', 'expected a member list', path);
      return writer.uint16(0);
    case ValueTag.textWithLanguage:
    case ValueTag.nameWithLanguage: {
      const { lang, text } = asObject<IppStringWithLanguage>(data, path);
      const langBytes = utf8Bytes(lang, path);
      const textBytes = utf8Bytes(text, path);
      const length = 2 + langBytes.length + 2 + textBytes.length;
      if (length > WIRE_MAX_LENGTH) throw tooLong(length, path);
      writer.uint16(length);
      writer.uint16(langBytes.length);
      writer.bytes(langBytes);
      writer.uint16(textBytes.length);
      return writer.bytes(textBytes);
    }
    case ValueTag.textWithoutLanguage:
    case ValueTag.nameWithoutLanguage:
    case ValueTag.keyword:
    case ValueTag.uri:
    case ValueTag.uriScheme:
    case ValueTag.charset:
    case ValueTag.naturalLanguage:
    case ValueTag.mimeMediaType:
      return writeBytes(writer, utf8Bytes(data, path), path);
    case ValueTag.octetString:
      return writeBytes(writer, asBytes(data, path), path);
    default:
      if (isOpaqueValueTag(tag)) return writeBytes(writer, asBytes(data, path), path);
      throw new IppEncodeError('invalid-value', `tag ${valueTagName(tag)} cannot carry a value`, path);
  }
}

function writeBytes(writer: ByteWriter, bytes: Uint8Array, path: string): void {
  if (bytes.length > WIRE_MAX_LENGTH) throw tooLong(bytes.length, path);
  writer.uint16(bytes.length);
  writer.bytes(bytes);
}

function tooLong(length: number, path: string): IppEncodeError {
  return new IppEncodeError(
    'value-too-long',
    `${length} octets do not fit a value (max ${WIRE_MAX_LENGTH})`,
    path,
  );
}

function asBytes(value: unknown, path: string): Uint8Array {
  if (value instanceof Uint8Array) return value;
  throw new IppEncodeError('invalid-value', 'expected a Buffer', path);
}

function asInt32(value: unknown, path: string): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= INT32_MIN && value <= INT32_MAX) {
    return value;
  }
  throw new IppEncodeError('invalid-value', `${String(value)} is not a 32-bit integer`, path);
}

function asObject<T>(value: unknown, path: string): Partial<T> {
  if (typeof value !== 'object' || value === null)
    throw new IppEncodeError('invalid-value', 'expected an object', path);
  return value as Partial<T>;
}
