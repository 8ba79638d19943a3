// The one IPP parser, incremental: bytes go in as they arrive, in chunks of any size, and the
// parser keeps only the unfinished part of the current attribute. The synchronous decode() and the
// streaming decodeStream() both drive it, so they cannot disagree.
//
// This file frames the bytes: the header, then one item at a time (RFC 8010 §3.1.4: tag,
// name-length, name, value-length, value) or one delimiter. Lengths and limits are checked as soon
// as their bytes are in, before the value itself arrives; MessageBuilder assembles the structure.
import { ByteQueue } from './byte-queue.js';
import { IppParseError } from './errors.js';
import { DelimiterTag, isDelimiterTag } from './group-tags.js';
import { resolveLimits, WIRE_MAX_LENGTH, type IppLimits } from './limits.js';
import type { IppMessage } from './message.js';
import { MessageBuilder } from './message-builder.js';
import { checkValueLength } from './value-decoder.js';
import { ValueTag } from './value-tags.js';

/** What a push produced: nothing yet, or the message and the bytes after end-of-attributes-tag. */
export type ParseProgress =
  | { done: false }
  | {
      done: true;
      message: IppMessage;
      /** The first bytes of the document: the part of the last chunk after the attributes. */
      rest: Buffer;
      /** Bytes of the header and attribute groups, end-of-attributes-tag included. */
      sectionLength: number;
    };

const HEADER_LENGTH = 8;

/** Incremental parser for one IPP message: call push() per chunk until it reports done. */
export class IppMessageParser {
  private readonly limits: IppLimits;
  private readonly queue = new ByteQueue();
  private state: 'header' | 'attributes' | 'done' | 'failed' = 'header';
  private failure: IppParseError | null = null;
  /** Bytes fully parsed so far; also the absolute offset of the next item. */
  private consumed = 0;
  private builder: MessageBuilder | null = null;
  private missing = { what: 'the message ends inside its 8-octet header', at: 0 };

  constructor(limits: Partial<IppLimits> = {}) {
    this.limits = resolveLimits(limits);
  }

  /** Feeds the next bytes. Throws IppParseError on the first malformed byte. */
  push(chunk: Uint8Array): ParseProgress {
    if (this.state === 'failed') throw this.failure ?? new Error('IppMessageParser: push() after a failure');
    if (this.state === 'done') throw new Error('IppMessageParser: push() after the message was complete');
    try {
      return this.parse(chunk);
    } catch (error) {
      this.state = 'failed';
      this.queue.clear();
      if (error instanceof IppParseError) this.failure = this.withHeader(error);
      throw error;
    }
  }

  /** Signals the end of input: throws a `truncated` error unless the message was complete. */
  end(): void {
    if (this.state === 'done') return;
    this.failure ??= this.truncatedError();
    this.state = 'failed';
    this.queue.clear();
    throw this.failure;
  }

  /** The error for input that stops where it stands now: `truncated`, at the first missing byte. */
  truncatedError(): IppParseError {
    return this.withHeader(new IppParseError('truncated', this.missing.what, this.missing.at));
  }

  private withHeader(error: IppParseError): IppParseError {
    if (this.builder) {
      const { version, operationIdOrStatus, requestId } = this.builder.message;
      error.header = { version, operationIdOrStatus, requestId };
    }
    return error;
  }

  private parse(chunk: Uint8Array): ParseProgress {
    const fromQueue = this.queue.length > 0;
    let data: Buffer;
    if (fromQueue) {
      this.queue.append(chunk);
      data = this.queue.view();
    } else {
      data = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    }
    let pos = 0;
    while (this.state !== 'done') {
      const used = this.step(data, pos);
      if (used === 0) break;
      pos += used;
      this.consumed += used;
    }
    if (this.state === 'done' && this.builder) {
      // A view into the queue would be overwritten; a view into the caller's chunk is theirs.
      const rest = fromQueue ? Buffer.from(data.subarray(pos)) : data.subarray(pos);
      this.queue.clear();
      return { done: true, message: this.builder.message, rest, sectionLength: this.consumed };
    }
    if (fromQueue) this.queue.consume(pos);
    else this.queue.append(data.subarray(pos));
    return { done: false };
  }

  /** Parses one item at `pos`; returns the bytes it used, or 0 when the item is not complete. */
  private step(data: Buffer, pos: number): number {
    const available = data.length - pos;
    if (this.state === 'header') {
      if (available < HEADER_LENGTH) return 0;
      this.checkSection(HEADER_LENGTH);
      const message: IppMessage = {
        version: { major: data[pos] ?? 0, minor: data[pos + 1] ?? 0 },
        operationIdOrStatus: data.readUInt16BE(pos + 2),
        requestId: data.readInt32BE(pos + 4),
        groups: [],
      };
      this.builder = new MessageBuilder(message, this.limits);
      this.state = 'attributes';
      return HEADER_LENGTH;
    }
    const builder = this.builder as MessageBuilder;
    const at = this.consumed;
    if (available < 1) return this.wait('the message ends before its end-of-attributes-tag', at);
    const tag = data[pos] ?? 0;
    if (isDelimiterTag(tag)) {
      this.checkSection(1);
      if (tag === DelimiterTag.endOfAttributes) {
        builder.closeSection(at);
        this.state = 'done';
      } else {
        builder.openGroup(tag, at);
      }
      return 1;
    }
    if (tag === ValueTag.extension) {
      throw new IppParseError('extension-tag', 'value tag 0x7F is reserved (RFC 8010 §3.5.2)', at);
    }
    if (!builder.inGroup) {
      throw new IppParseError('attribute-before-group', 'an attribute comes before the first group tag', at);
    }
    if (available < 3) return this.wait('the message ends inside a name-length', at + 1);
    const nameLength = data.readUInt16BE(pos + 1);
    this.checkLength(nameLength, 'name-length', at + 1);
    if (nameLength > this.limits.maxNameLength) {
      throw new IppParseError(
        'name-too-long',
        `an attribute name of ${nameLength} octets is over the limit of ${this.limits.maxNameLength}`,
        at + 1,
      );
    }
    const valueLengthAt = 3 + nameLength;
    this.checkSection(valueLengthAt + 2);
    if (available < valueLengthAt) return this.wait('the message ends inside a name', at + 3);
    if (available < valueLengthAt + 2)
      return this.wait('the message ends inside a value-length', at + valueLengthAt);
    const valueLength = data.readUInt16BE(pos + valueLengthAt);
    this.checkLength(valueLength, 'value-length', at + valueLengthAt);
    checkValueLength(tag, valueLength, this.limits, at + valueLengthAt);
    const total = valueLengthAt + 2 + valueLength;
    this.checkSection(total);
    if (available < total) return this.wait('the message ends inside a value', at + valueLengthAt + 2);
    builder.addItem({ tag, data, pos, nameLength, valueLength, at });
    return total;
  }

  private checkLength(length: number, field: string, at: number): void {
    if (length > WIRE_MAX_LENGTH) {
      throw new IppParseError('invalid-length', `a ${field} of 0x${length.toString(16)} is negative`, at);
    }
  }

  /** Refuses an item that would take the attribute section past its limit, before buffering it. */
  private checkSection(itemBytes: number): void {
    if (this.consumed + itemBytes > this.limits.maxSectionBytes) {
      throw new IppParseError(
        'section-too-large',
        `the attributes are larger than ${this.limits.maxSectionBytes} octets`,
        this.consumed,
      );
    }
  }

  private wait(what: string, at: number): 0 {
    this.missing = { what, at };
    return 0;
  }
}
