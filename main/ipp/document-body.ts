// The document after the attributes, as a Readable that pulls from the request stream only when its
// own reader asks: backpressure reaches the socket, and nothing is buffered beyond the two streams'
// high-water marks, whatever the document's size.
//
// It listens to 'data' and pauses the source, as pipe() does, rather than calling read(): read()
// with no size concatenates every buffered chunk into a new Buffer, a copy per read that shows up
// as tens of MB of garbage over a large document.
import { Readable } from 'node:stream';
import { IppParseError } from './errors.js';

/** The bytes of a paused source after the IPP attributes, passed through without copying. */
export class DocumentBody extends Readable {
  private attached = true;
  /** Offset of the next byte from the start of the IPP message, for error reports. */
  private offset: number;

  /** `source` must be paused; `head` is the part of its last chunk that followed the attributes. */
  constructor(
    private readonly source: Readable,
    head: Buffer,
    sectionLength: number,
  ) {
    super({ highWaterMark: source.readableHighWaterMark });
    this.offset = sectionLength + head.length;
    if (head.length > 0) this.push(head);
    source.on('data', this.onData);
    source.on('end', this.onEnd);
    source.on('error', this.onError);
    source.on('close', this.onClose);
    source.pause(); // until our reader asks
  }

  override _read(): void {
    if (this.attached) this.source.resume();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    const source = this.source;
    this.detach();
    // The reader gave up on the document: stop the upload too, as pipeline() would.
    if (!source.destroyed && !source.readableEnded) source.destroy();
    callback(error);
  }

  private readonly onData = (chunk: unknown): void => {
    if (!(chunk instanceof Uint8Array)) {
      this.destroy(
        new IppParseError('stream-error', 'the request stream yielded a non-byte chunk', this.offset),
      );
      return;
    }
    this.offset += chunk.length;
    if (!this.push(chunk)) this.source.pause();
  };

  private readonly onEnd = (): void => {
    this.detach();
    this.push(null);
  };

  private readonly onError = (error: Error): void => {
    this.destroy(
      new IppParseError('stream-error', `the request stream failed: ${error.message}`, this.offset, {
        cause: error,
      }),
    );
  };

  private readonly onClose = (): void => {
    if (!this.attached) return;
    this.destroy(
      new IppParseError('stream-error', 'the request stream closed before the document ended', this.offset),
    );
  };

  private detach(): void {
    if (!this.attached) return;
    this.attached = false;
    this.source.off('data', this.onData);
    this.source.off('end', this.onEnd);
    this.source.off('error', this.onError);
    this.source.off('close', this.onClose);
  }
}
