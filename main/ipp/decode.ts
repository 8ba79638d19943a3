// Synchronous decoding of a message held in memory (tests, fuzzing, small responses). It drives the
// same incremental parser as decodeStream(), with the whole input as one chunk.
//
// What the decoder refuses (IppParseError) and what it lets through, decided once for both:
// - Refused: input ending before end-of-attributes-tag; a length with its sign bit set; anything
//   over a limit (IppLimits); tag 0x7F and reserved delimiters (0x00, 0x0B-0x0F); an attribute
//   before the first group; a first group other than operation, or a second operation group; an
//   empty name on an attribute's first value; any broken collection (member outside one, missing
//   endCollection, member without a value, names where §3.1.7 wants none); fixed-size values of
//   another size; booleans other than 0/1; dateTime fields out of range; resolution units other
//   than 3/4; language and text lengths that do not add up to the value length; invalid UTF-8 in
//   names and string syntaxes.
// - Let through: empty names on further values (that is how a 1setOf is written, §3.1.5); mixed
//   tags in one 1setOf; unknown tags (kept as bytes); out-of-band values with bytes (kept); empty
//   groups and collections; repeated non-operation groups; duplicate names (kept in order); any
//   version, operation id or request-id, which are the server's to judge.
import type { IppLimits } from './limits.js';
import type { IppMessage } from './message.js';
import { IppMessageParser } from './message-parser.js';

/** Options for decode() and decodeStream(). */
export interface DecodeOptions {
  /** Limits to replace; the others keep DEFAULT_LIMITS. */
  limits?: Partial<IppLimits>;
}

/** A decoded message and what followed its attributes. */
export interface DecodedBuffer {
  message: IppMessage;
  /** The document: every byte after end-of-attributes-tag (a view of the input, not a copy). */
  body: Buffer;
  /** Bytes of the header and attribute groups, end-of-attributes-tag included. */
  sectionLength: number;
}

/** Decodes a message and returns the bytes after it. Throws IppParseError only. */
export function decodeWithBody(input: Uint8Array, options: DecodeOptions = {}): DecodedBuffer {
  const parser = new IppMessageParser(options.limits);
  const progress = parser.push(input);
  if (!progress.done) throw parser.truncatedError();
  return { message: progress.message, body: progress.rest, sectionLength: progress.sectionLength };
}

/** Decodes a message, ignoring any document after it. Throws IppParseError only. */
export function decode(input: Uint8Array, options: DecodeOptions = {}): IppMessage {
  return decodeWithBody(input, options).message;
}
