// Streaming decoding of a request body: reads the header and attribute groups as the bytes arrive,
// and hands back the rest (the document) as a Readable that still streams from the source.
import type { Readable } from 'node:stream';
import type { DecodeOptions } from './decode.js';
import { DocumentBody } from './document-body.js';
import { IppParseError } from './errors.js';
import type { IppMessage } from './message.js';
import { IppMessageParser } from './message-parser.js';

/** A decoded message whose document is still streaming. */
export interface DecodedStream {
  message: IppMessage;
  /** The document: every byte after end-of-attributes-tag, with backpressure to the source. */
  body: Readable;
  /** Bytes of the header and attribute groups, end-of-attributes-tag included. */
  sectionLength: number;
}

const ignoreError = (): void => {};

/**
 * Reads an IPP message from a byte stream (an HTTP request). Resolves once end-of-attributes-tag
 * has arrived, without waiting for the document; rejects with IppParseError only. The attribute
 * section is held in memory up to `limits.maxSectionBytes`; the document never is.
 */
export function decodeStream(source: Readable, options: DecodeOptions = {}): Promise<DecodedStream> {
  // A late error on a request we have stopped reading must not become an unhandled 'error' event
  // that takes the process down; its owner still sees it through its own listeners.
  source.on('error', ignoreError);
  return new Promise((resolve, reject) => {
    const parser = new IppMessageParser(options.limits);
    let offset = 0;
    let settled = false;

    // Chunks come through 'data', not read(): read() concatenates whatever is buffered into a new
    // Buffer. On settling, the source is left paused with no listener of ours, ready for
    // DocumentBody to take over (see document-body.ts).
    const settle = (): void => {
      settled = true;
      source.pause();
      source.off('data', onData);
      source.off('end', onEnd);
      source.off('error', onError);
      source.off('close', onClose);
    };
    const fail = (error: unknown): void => {
      if (settled) return;
      settle();
      reject(
        error instanceof IppParseError
          ? error
          : new IppParseError('stream-error', 'the request could not be read', offset, { cause: error }),
      );
    };
    const onData = (chunk: unknown): void => {
      if (settled) return;
      if (!(chunk instanceof Uint8Array)) {
        fail(new IppParseError('stream-error', 'the request stream yielded a non-byte chunk', offset));
        return;
      }
      let progress;
      try {
        progress = parser.push(chunk);
      } catch (error) {
        fail(error);
        return;
      }
      offset += chunk.length;
      if (progress.done) {
        settle();
        const body = new DocumentBody(source, progress.rest, progress.sectionLength);
        resolve({ message: progress.message, body, sectionLength: progress.sectionLength });
      }
    };
    const onEnd = (): void => {
      try {
        parser.end();
      } catch (error) {
        fail(error);
      }
    };
    const onError = (error: Error): void => {
      fail(
        new IppParseError('stream-error', `the request stream failed: ${error.message}`, offset, {
          cause: error,
        }),
      );
    };
    const onClose = (): void => {
      fail(
        new IppParseError('stream-error', 'the request stream closed before end-of-attributes-tag', offset),
      );
    };

    if (source.destroyed) {
      fail(new IppParseError('stream-error', 'the request stream is already destroyed', 0));
      return;
    }
    if (source.readableEnded) {
      onEnd();
      return;
    }
    source.on('end', onEnd);
    source.on('error', onError);
    source.on('close', onClose);
    source.on('data', onData);
    source.resume(); // in case the caller had paused it
  });
}
