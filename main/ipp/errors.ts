// The two error types of the codec. Decoding throws or rejects with IppParseError only, and every
// one says which IPP status the server should answer with, so a handler never guesses.
import type { IppMessage } from './message.js';
import { StatusCode, type StatusKeyword } from './status-codes.js';

/** Why a message could not be decoded. */
export type IppParseErrorCode =
  | 'truncated' // the input ended inside the header or the attribute section
  | 'invalid-length' // a name-length or value-length with its sign bit set (RFC 8010 §3.2: SIGNED-SHORT)
  | 'name-too-long'
  | 'value-too-long'
  | 'section-too-large'
  | 'too-many-attributes'
  | 'too-many-values'
  | 'collection-too-deep'
  | 'extension-tag' // 0x7F, reserved (RFC 8010 §3.5.2)
  | 'reserved-tag' // 0x00 or 0x0B-0x0F where a delimiter was expected
  | 'attribute-before-group'
  | 'group-order'
  | 'missing-name' // the first value of an attribute or member has an empty name
  | 'unexpected-name' // a collection member value or delimiter that carries a name
  | 'bad-value-length' // a fixed-size value (integer, dateTime, ...) of the wrong size
  | 'bad-value' // a boolean that is not 0/1, a dateTime out of range, an unknown resolution unit
  | 'bad-language-length' // textWithLanguage inner lengths that do not add up (CVE-2020-10001)
  | 'invalid-utf8'
  | 'unbalanced-collection' // endCollection without begCollection
  | 'unterminated-collection' // a delimiter tag inside a collection
  | 'member-outside-collection'
  | 'member-without-value'
  | 'stream-error'; // the source stream failed, or did not yield bytes

/** Where the status of each error comes from: sizes and counts over a limit are "too large". */
const STATUS_BY_CODE: Readonly<Record<IppParseErrorCode, StatusKeyword>> = {
  truncated: 'client-error-bad-request',
  'invalid-length': 'client-error-bad-request',
  'name-too-long': 'client-error-bad-request',
  'value-too-long': 'client-error-request-value-too-long',
  'section-too-large': 'client-error-request-entity-too-large',
  'too-many-attributes': 'client-error-request-entity-too-large',
  'too-many-values': 'client-error-request-entity-too-large',
  'collection-too-deep': 'client-error-request-entity-too-large',
  'extension-tag': 'client-error-bad-request',
  'reserved-tag': 'client-error-bad-request',
  'attribute-before-group': 'client-error-bad-request',
  'group-order': 'client-error-bad-request',
  'missing-name': 'client-error-bad-request',
  'unexpected-name': 'client-error-bad-request',
  'bad-value-length': 'client-error-bad-request',
  'bad-value': 'client-error-bad-request',
  'bad-language-length': 'client-error-bad-request',
  'invalid-utf8': 'client-error-bad-request',
  'unbalanced-collection': 'client-error-bad-request',
  'unterminated-collection': 'client-error-bad-request',
  'member-outside-collection': 'client-error-bad-request',
  'member-without-value': 'client-error-bad-request',
  'stream-error': 'client-error-bad-request',
};

/** A message that cannot be decoded: what, where (byte offset), and the status to answer with. */
export class IppParseError extends Error {
  override readonly name = 'IppParseError';
  /** The suggested IPP status keyword for the response. */
  readonly statusKeyword: StatusKeyword;
  /** The suggested IPP status code for the response. */
  readonly status: number;
  /**
   * The header, when the error came after it: a response must echo the request-id (RFC 8011
   * §4.1.2), even when it refuses the request.
   */
  header?: Pick<IppMessage, 'version' | 'operationIdOrStatus' | 'requestId'>;

  constructor(
    readonly code: IppParseErrorCode,
    message: string,
    /** Offset of the offending byte from the start of the IPP message. */
    readonly offset: number,
    options?: { cause?: unknown },
  ) {
    super(`${message} (at byte ${offset})`, options);
    this.statusKeyword = STATUS_BY_CODE[code];
    this.status = StatusCode[this.statusKeyword];
  }
}

/** Why a message could not be encoded. */
export type IppEncodeErrorCode =
  | 'invalid-header'
  | 'invalid-group'
  | 'invalid-name'
  | 'empty-attribute'
  | 'invalid-value'
  | 'value-too-long'
  | 'unknown-enum'
  | 'collection-too-deep';

/** A message that cannot be put on the wire; a programming error on our side, not the peer's. */
export class IppEncodeError extends Error {
  override readonly name = 'IppEncodeError';

  constructor(
    readonly code: IppEncodeErrorCode,
    message: string,
    /** The attribute the error is about, as a path through collections ("media-col/media-size"). */
    readonly attribute?: string,
  ) {
    super(attribute === undefined ? message : `${attribute}: ${message}`);
  }
}
