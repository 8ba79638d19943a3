import { isStandaloneMarker } from './jpeg-segments.js';

/** Where the finder is in the JPEG structure. */
const State = {
  /** Looking for the next 0xFF, in entropy-coded data or between segments. */
  Scan: 0,
  /** Just after 0xFF: the next byte says what it was. */
  Marker: 1,
  /** Reading the high byte of a segment length. */
  LengthHigh: 2,
  /** Reading the low byte of a segment length. */
  LengthLow: 3,
  /** Skipping a segment body. */
  Skip: 4,
  /** The end-of-image marker has been seen. */
  Done: 5,
} as const;
type State = (typeof State)[keyof typeof State];

/**
 * Finds the end-of-image marker in a JPEG fed chunk by chunk, without buffering. Segment bodies are
 * skipped by their length, and inside entropy-coded data 0xFF is only a marker when followed by something
 * other than 0x00 (byte stuffing) or RST0-7 (ITU-T T.81 section B.1.1.5), so an FF D9 pair inside a
 * table or an EXIF thumbnail is not mistaken for the end.
 */
export class JpegEndFinder {
  #state: State = State.Scan;
  #lengthHigh = 0;
  #skip = 0;

  /** Feeds the next chunk; returns the index just past the end-of-image marker, or -1 if not in it. */
  scan(chunk: Buffer): number {
    let i = 0;
    const end = chunk.length;
    while (i < end) {
      switch (this.#state) {
        case State.Scan: {
          const ff = chunk.indexOf(0xff, i);
          if (ff < 0) return -1;
          i = ff + 1;
          this.#state = State.Marker;
          break;
        }
        case State.Marker: {
          const marker = chunk[i++] as number;
          if (marker === 0xd9) {
            this.#state = State.Done;
            return i;
          }
          // 0xFF is a fill byte before a marker; 0x00 is a stuffed data byte.
          if (marker === 0xff) break;
          this.#state = marker === 0x00 || isStandaloneMarker(marker) ? State.Scan : State.LengthHigh;
          break;
        }
        case State.LengthHigh:
          this.#lengthHigh = chunk[i++] as number;
          this.#state = State.LengthLow;
          break;
        case State.LengthLow:
          // The length counts its own two bytes; a damaged length below 2 skips nothing.
          this.#skip = Math.max(0, ((this.#lengthHigh << 8) | (chunk[i++] as number)) - 2);
          this.#state = this.#skip > 0 ? State.Skip : State.Scan;
          break;
        case State.Skip: {
          const step = Math.min(this.#skip, end - i);
          i += step;
          this.#skip -= step;
          if (this.#skip === 0) this.#state = State.Scan;
          break;
        }
        case State.Done:
          return i;
      }
    }
    return -1;
  }
}
