// A request followed by its document, as a stream (RFC 8010 §3.1.1: the data follows
// end-of-attributes-tag). The document is pulled chunk by chunk as the consumer reads, so a client
// sends a 1 GB file without holding it, unlike the `ipp` package which builds one Buffer.
import { Readable } from 'node:stream';
import { encode, type EncodeOptions } from './encode.js';
import type { IppMessage } from './message.js';

/** Where a document can come from. */
export type DocumentSource = Readable | AsyncIterable<Uint8Array> | Iterable<Uint8Array> | Uint8Array;

/** Encodes `message` at once (so encoding errors throw here) and streams `document` after it. */
export function encodeWithDocument(
  message: IppMessage,
  document: DocumentSource,
  options?: EncodeOptions,
): Readable {
  const head = encode(message, options);
  async function* chunks(): AsyncGenerator<Uint8Array> {
    yield head;
    if (document instanceof Uint8Array) {
      if (document.length > 0) yield document;
      return;
    }
    for await (const chunk of document as AsyncIterable<Uint8Array>) {
      if (typeof chunk === 'string') throw new TypeError('the document stream must yield bytes, not strings');
      yield chunk;
    }
  }
  return Readable.from(chunks(), { objectMode: false });
}
