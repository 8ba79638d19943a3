import type { ByteSource } from './byte-source.js';
import { readObjectAt } from './indirect-object.js';
import { MAX_OBJECT_LOADS, MAX_REFERENCE_DEPTH } from './limits.js';
import { openObjectStream, objectFromStream, type ObjectStream } from './object-stream.js';
import { PdfError, damaged, tooComplex } from './pdf-error.js';
import { PdfRef, isDict, type PdfValue } from './pdf-value.js';
import { readStreamBytes } from './stream-data.js';
import { decodeStream } from './stream-decode.js';
import type { ObjectLocator } from './xref-entry.js';

/** Decrypts the stream data of an encrypted file (PDF 32000-1 section 7.6). */
export interface StreamDecryptor {
  /** Returns the plain stored bytes of the stream of object `num` `gen`. */
  decryptStream(num: number, gen: number, data: Buffer): Buffer;
}

/** Whether a file is encrypted and, if so, whether its streams can be decrypted without a password. */
export interface Security {
  encrypted: boolean;
  decryptor: StreamDecryptor | null;
}

/** No encryption at all. */
export const PLAIN: Security = { encrypted: false, decryptor: null };

/**
 * Loads objects by number and follows references, with the guards that keep bad input from looping:
 * a reference chain limit, cycle detection, and a cap on objects loaded per file.
 */
export class ObjectResolver {
  private readonly cache = new Map<number, PdfValue>();
  private readonly loading = new Set<number>();
  private readonly loadingStreams = new Set<number>();
  private loads = 0;
  private lastStream: ObjectStream | undefined;

  constructor(
    private readonly source: ByteSource,
    private readonly locator: ObjectLocator,
    private readonly security: Security,
  ) {}

  /** Follows `value` through indirect references to a direct value (null for a missing object). */
  async resolve(value: PdfValue | undefined): Promise<PdfValue | undefined> {
    let current = value;
    for (let hops = 0; current instanceof PdfRef; hops++) {
      if (hops >= MAX_REFERENCE_DEPTH)
        throw damaged('its indirect references form a chain too long to follow');
      current = await this.object(current.num);
    }
    return current;
  }

  private async object(num: number): Promise<PdfValue> {
    const cached = this.cache.get(num);
    if (cached !== undefined) return cached;
    if (this.loading.has(num)) throw damaged('its objects refer to each other in a loop');
    if (++this.loads > MAX_OBJECT_LOADS)
      throw tooComplex(`reaching its page count needs more than ${MAX_OBJECT_LOADS} objects`);
    this.loading.add(num);
    try {
      const value = await this.load(num);
      this.cache.set(num, value);
      return value;
    } finally {
      this.loading.delete(num);
    }
  }

  private async load(num: number): Promise<PdfValue> {
    const entry = await this.locator.locate(num);
    // A reference to an object that does not exist is the null object (section 7.3.10).
    if (entry === undefined || entry.type === 'free') return null;
    if (entry.type === 'offset') return (await readObjectAt(this.source, entry.offset, num)).value;
    const stream = await this.objectStream(entry.stream, entry.streamOffset);
    return objectFromStream(stream, num, entry.index) ?? null;
  }

  private async objectStream(num: number, knownOffset: number | undefined): Promise<ObjectStream> {
    if (this.lastStream?.num === num) return this.lastStream;
    if (this.loadingStreams.has(num)) throw damaged('its object streams refer to each other in a loop');
    this.loadingStreams.add(num);
    try {
      const stream = await this.readObjectStream(num, knownOffset);
      this.lastStream = stream; // one cached stream: the catalog and the page tree root usually share it
      return stream;
    } finally {
      this.loadingStreams.delete(num);
    }
  }

  private async readObjectStream(num: number, knownOffset: number | undefined): Promise<ObjectStream> {
    let offset = knownOffset;
    if (offset === undefined) {
      const entry = await this.locator.locate(num);
      if (entry?.type !== 'offset') throw damaged(`object stream ${num} is missing`);
      offset = entry.offset;
    }
    const object = await readObjectAt(this.source, offset, num);
    const dict = object.value;
    if (!isDict(dict) || object.streamStart === null) throw damaged(`object stream ${num} is not a stream`);
    const length = await this.resolve(dict.get('Length'));
    const what = `object stream ${num}`;
    let stored = await readStreamBytes(
      this.source,
      object.streamStart,
      typeof length === 'number' ? length : undefined,
      what,
    );
    if (this.security.encrypted) {
      if (this.security.decryptor === null) throw encryptedUnreadable();
      stored = this.security.decryptor.decryptStream(num, object.gen, stored);
    }
    return openObjectStream(num, dict, decodeStream(dict, stored, what));
  }
}

/** The error for a page tree that is stored encrypted and cannot be decrypted without a password. */
export function encryptedUnreadable(): PdfError {
  return new PdfError(
    'encrypted-unreadable',
    'The PDF is password-protected and its page list is stored encrypted, so its pages cannot be counted. ' +
      'Remove the password (for example, print it to a new PDF) and upload it again.',
  );
}
