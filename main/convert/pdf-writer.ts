import type { Writable } from 'node:stream';

/** A PDF name for each image colour space we emit (ISO 32000-1 section 8.6.4). */
export type PdfColorSpace = 'DeviceGray' | 'DeviceRGB' | 'DeviceCMYK';

/**
 * Writes a PDF object by object to a stream, in one pass: nothing but the byte offsets of the objects
 * (for the cross-reference table) and the page references (for the page tree) is kept, so memory does
 * not grow with the size of the document. The file has a classic xref table (ISO 32000-1 section 7.5.4).
 */
export class PdfStreamWriter {
  #out: Writable;
  #offset = 0;
  #offsets: number[] = [];
  #pages: number[] = [];
  #failure: Error | null = null;
  #onError = (error: Error): void => {
    this.#failure ??= error;
  };
  /** Object number of the document catalog, written first. */
  readonly catalog: number;
  /** Object number of the page tree root, written last, once every page is known. */
  readonly pageTree: number;

  constructor(out: Writable) {
    this.#out = out;
    // Until release(), an output error is held here and rethrown at the next write, rather than
    // crashing the process as an unhandled 'error' event.
    out.on('error', this.#onError);
    this.catalog = this.allocate();
    this.pageTree = this.allocate();
  }

  /** Bytes written so far, which is the offset of the next byte. */
  get offset(): number {
    return this.#offset;
  }

  /** Pages added so far. */
  get pageCount(): number {
    return this.#pages.length;
  }

  /** Reserves the next object number; every reserved object must be written before finish(). */
  allocate(): number {
    this.#offsets.push(-1);
    return this.#offsets.length;
  }

  /** Writes the file header and the catalog. */
  async begin(): Promise<void> {
    // PDF 1.5 for 16-bit image samples (ISO 32000-1 section 8.9.5.1); the binary comment line tells
    // transfer tools the file is binary (section 7.5.2).
    await this.write(Buffer.from('%PDF-1.5\n%\xe2\xe3\xcf\xd3\n', 'latin1'));
    await this.writeObject(this.catalog, `<< /Type /Catalog /Pages ${this.pageTree} 0 R >>`);
  }

  /** Writes a whole object whose body is known up front. */
  async writeObject(id: number, body: string): Promise<void> {
    this.#markObject(id);
    await this.write(Buffer.from(`${id} 0 obj\n${body}\nendobj\n`, 'latin1'));
  }

  /** Writes a stream object whose data is small and in hand. */
  async writeStreamObject(id: number, dictionary: string, data: Buffer): Promise<void> {
    await this.beginStream(id, `${dictionary}${dictionary === '' ? '' : ' '}/Length ${data.length}`);
    await this.write(data);
    await this.endStream();
  }

  /**
   * Opens a stream object; its data follows through write(). The dictionary entries go without the
   * surrounding << >>; when the length is not known yet, pass `/Length n 0 R` and write object n later.
   */
  async beginStream(id: number, entries: string): Promise<void> {
    this.#markObject(id);
    await this.write(Buffer.from(`${id} 0 obj\n<< ${entries} >>\nstream\n`, 'latin1'));
  }

  /** Closes the stream opened by beginStream(). */
  async endStream(): Promise<void> {
    await this.write(Buffer.from('\nendstream\nendobj\n', 'latin1'));
  }

  /** Records a page object for the page tree; its /Parent must be `pageTree`. */
  addPage(id: number): void {
    this.#pages.push(id);
  }

  /** Writes raw bytes, waiting while the output asks us to slow down. */
  async write(bytes: Buffer): Promise<void> {
    this.#throwIfFailed();
    this.#offset += bytes.length;
    if (!this.#out.write(bytes)) await waitForDrain(this.#out);
    this.#throwIfFailed();
  }

  /** Writes the page tree, the cross-reference table and the trailer, then ends the output. */
  async finish(): Promise<void> {
    const kids = this.#pages.map((id) => `${id} 0 R`).join(' ');
    await this.writeObject(this.pageTree, `<< /Type /Pages /Kids [${kids}] /Count ${this.#pages.length} >>`);
    const info = this.allocate();
    await this.writeObject(info, '<< /Producer (Cloud Print and Scan) >>');

    const xrefOffset = this.#offset;
    const size = this.#offsets.length + 1;
    // Each entry is exactly 20 bytes: 10-digit offset, 5-digit generation, type, two-byte EOL.
    const entries: string[] = [`xref\n0 ${size}\n0000000000 65535 f \n`];
    for (const [index, offset] of this.#offsets.entries()) {
      if (offset < 0) throw new Error(`PDF object ${index + 1} was reserved but never written.`);
      entries.push(`${String(offset).padStart(10, '0')} 00000 n \n`);
      if (entries.length >= 4096) await this.write(Buffer.from(entries.splice(0).join(''), 'latin1'));
    }
    entries.push(
      `trailer\n<< /Size ${size} /Root ${this.catalog} 0 R /Info ${info} 0 R >>\n`,
      `startxref\n${xrefOffset}\n%%EOF\n`,
    );
    await this.write(Buffer.from(entries.join(''), 'latin1'));
    await endWritable(this.#out);
    // Not #throwIfFailed(): a file stream destroys itself after 'finish', which is success.
    if (this.#failure !== null) throw this.#failure;
  }

  /** Detaches from the output; call once, whether the document was finished or not. */
  release(): void {
    this.#out.off('error', this.#onError);
  }

  #markObject(id: number): void {
    if (this.#offsets[id - 1] !== -1) throw new Error(`PDF object ${id} is not reserved or written twice.`);
    this.#offsets[id - 1] = this.#offset;
  }

  #throwIfFailed(): void {
    if (this.#failure !== null) throw this.#failure;
    if (this.#out.destroyed)
      throw new Error('The PDF output stream was closed before the document was complete.');
  }
}

/** Resolves when the stream drains; rejects if it fails or closes first, so a dead output never hangs us. */
function waitForDrain(out: Writable): Promise<void> {
  return settleOn(out, 'drain');
}

/** Ends the stream and resolves once everything is flushed ('finish'). */
function endWritable(out: Writable): Promise<void> {
  const finished = settleOn(out, 'finish');
  out.end();
  return finished;
}

function settleOn(out: Writable, event: 'drain' | 'finish'): Promise<void> {
  return new Promise((resolve, reject) => {
    const cleanup = (): void => {
      out.off(event, onDone);
      out.off('error', onError);
      out.off('close', onClose);
    };
    const onDone = (): void => {
      cleanup();
      resolve();
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(error);
    };
    const onClose = (): void => {
      cleanup();
      reject(out.errored ?? new Error('The PDF output stream was closed before the document was complete.'));
    };
    if (out.errored) return reject(out.errored);
    if (out.destroyed)
      return reject(new Error('The PDF output stream was closed before the document was complete.'));
    out.on(event, onDone);
    out.on('error', onError);
    out.on('close', onClose);
  });
}

/** Formats a number for a content stream: at most four decimals, never exponent notation (7.3.3). */
export function formatPdfNumber(value: number): string {
  const fixed = value.toFixed(4);
  const trimmed = fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed;
  return trimmed === '-0' ? '0' : trimmed;
}
