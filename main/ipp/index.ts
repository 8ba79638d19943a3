// The IPP codec's public face: tables, model, builders, encode and decode. No networking here.
export {
  attr,
  charsetAndLanguage,
  group,
  type OutOfBandSyntax,
  type Syntax,
  type SyntaxInput,
} from './attr.js';
export { dateTimeFromDate, dateTimeToDate } from './date-time.js';
export { decode, decodeWithBody, type DecodedBuffer, type DecodeOptions } from './decode.js';
export { decodeStream, type DecodedStream } from './decode-stream.js';
export { encode, type EncodeOptions } from './encode.js';
export { encodeWithDocument, type DocumentSource } from './encode-stream.js';
export {
  DocumentState,
  enumKeyword,
  enumTableFor,
  enumValue,
  Finishings,
  JobState,
  OrientationRequested,
  PrinterState,
  PrintQuality,
  type EnumTable,
} from './enums.js';
export { IppEncodeError, IppParseError, type IppEncodeErrorCode, type IppParseErrorCode } from './errors.js';
export {
  DelimiterTag,
  GROUP_TAG_NAMES,
  GroupTag,
  isDelimiterTag,
  isGroupTag,
  type GroupName,
  type GroupTagValue,
} from './group-tags.js';
export {
  DEFAULT_LIMITS,
  maxValueLengthFor,
  resolveLimits,
  WIRE_MAX_LENGTH,
  type IppLimits,
} from './limits.js';
export { findAttribute, findGroup, findMember } from './lookup.js';
export type {
  IppAttribute,
  IppDateTime,
  IppGroup,
  IppMessage,
  IppRange,
  IppResolution,
  IppStringWithLanguage,
  IppValue,
  IppVersion,
} from './message.js';
export { IppMessageParser, type ParseProgress } from './message-parser.js';
export { Operation, operationName, type OperationId, type OperationName } from './operations.js';
export {
  isSuccessfulStatus,
  StatusCode,
  statusKeyword,
  type StatusCodeValue,
  type StatusKeyword,
} from './status-codes.js';
export {
  isOpaqueValueTag,
  isOutOfBandTag,
  VALUE_TAG_NAMES,
  ValueTag,
  valueTagName,
  type IntegerTag,
  type KnownValueTag,
  type OpaqueValueTag,
  type OutOfBandTag,
  type StringTag,
  type StringWithLanguageTag,
  type ValueTagName,
} from './value-tags.js';
export { isSupportedVersion, SUPPORTED_VERSIONS, versionKeyword } from './version.js';
