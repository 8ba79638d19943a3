// Encoding of a message (RFC 8010 §3.1): header, groups, attributes, end-of-attributes-tag. The
// output is one Buffer; a document to send after it goes through encodeWithDocument().
import { ByteWriter } from './byte-writer.js';
import { IppEncodeError } from './errors.js';
import { DelimiterTag, isGroupTag } from './group-tags.js';
import { DEFAULT_LIMITS, WIRE_MAX_LENGTH } from './limits.js';
import type { IppAttribute, IppMessage } from './message.js';
import { utf8Bytes, writeValue } from './value-encoder.js';
import { ValueTag } from './value-tags.js';

/** Options for encode(). */
export interface EncodeOptions {
  /** Deepest collection nesting to write; defaults to what our decoder accepts. */
  maxCollectionDepth?: number;
}

const EMPTY = Buffer.alloc(0);

/** Encodes a message (without document). Throws IppEncodeError when a field cannot be encoded. */
export function encode(message: IppMessage, options: EncodeOptions = {}): Buffer {
  const maxDepth = options.maxCollectionDepth ?? DEFAULT_LIMITS.maxCollectionDepth;
  const writer = new ByteWriter();
  writeHeader(writer, message);
  for (const group of message.groups) {
    if (!isGroupTag(group.tag)) {
      throw new IppEncodeError('invalid-group', `${String(group.tag)} is not a group tag (RFC 8010 §3.5.1)`);
    }
    writer.uint8(group.tag);
    for (const attribute of group.attributes) writeAttribute(writer, attribute, 0, maxDepth, '');
  }
  writer.uint8(DelimiterTag.endOfAttributes);
  return writer.finish();
}

function writeHeader(writer: ByteWriter, message: IppMessage): void {
  const { version, operationIdOrStatus, requestId } = message;
  if (!isOctet(version.major) || !isOctet(version.minor)) {
    throw new IppEncodeError('invalid-header', 'version major and minor must be integers 0-255');
  }
  if (!Number.isInteger(operationIdOrStatus) || operationIdOrStatus < 0 || operationIdOrStatus > 0xffff) {
    throw new IppEncodeError('invalid-header', 'operationIdOrStatus must be an integer 0-65535');
  }
  if (!Number.isInteger(requestId) || requestId < -0x80000000 || requestId > 0x7fffffff) {
    throw new IppEncodeError('invalid-header', 'requestId must be a 32-bit integer');
  }
  writer.uint8(version.major);
  writer.uint8(version.minor);
  writer.uint16(operationIdOrStatus);
  writer.int32(requestId);
}

// A top-level attribute: its first value carries the name, the others an empty name (RFC 8010
// §3.1.5). A member of a collection: a memberAttrName value carries the name, then every value
// has an empty name (RFC 8010 §3.1.7).
function writeAttribute(
  writer: ByteWriter,
  attribute: IppAttribute,
  depth: number,
  maxDepth: number,
  parent: string,
) {
  const path = parent === '' ? String(attribute.name) : `${parent}/${String(attribute.name)}`;
  const name = utf8Bytes(attribute.name, path);
  if (name.length === 0) throw new IppEncodeError('invalid-name', 'an attribute name is empty', path);
  if (name.length > WIRE_MAX_LENGTH) throw new IppEncodeError('invalid-name', 'the name is too long', path);
  if (!Array.isArray(attribute.values) || attribute.values.length === 0) {
    throw new IppEncodeError('empty-attribute', 'an attribute needs at least one value', path);
  }
  if (depth > 0) {
    writer.uint8(ValueTag.memberAttrName);
    writer.uint16(0);
    writer.uint16(name.length);
    writer.bytes(name);
  }
  attribute.values.forEach((value, index) => {
    const tag: number = value.tag;
    if (!Number.isInteger(tag) || tag < 0x10 || tag > 0xff || tag === ValueTag.extension) {
      throw new IppEncodeError('invalid-value', `${String(tag)} is not a value tag`, path);
    }
    writer.uint8(tag);
    const written = depth === 0 && index === 0 ? name : EMPTY;
    writer.uint16(written.length);
    writer.bytes(written);
    writeValue(writer, value, path);
    if (value.tag === ValueTag.begCollection) {
      if (depth + 1 > maxDepth) {
        throw new IppEncodeError(
          'collection-too-deep',
          `collections nest deeper than ${maxDepth} levels`,
          path,
        );
      }
      for (const member of value.value) writeAttribute(writer, member, depth + 1, maxDepth, path);
      writer.uint8(ValueTag.endCollection);
      writer.uint16(0);
      writer.uint16(0);
    }
  });
}

function isOctet(value: number): boolean {
  return Number.isInteger(value) && value >= 0 && value <= 0xff;
}
