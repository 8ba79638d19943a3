// Builders for the PDFs the inspector tests read: pdf-lib documents, qpdf variants of them, and small files
// written byte by byte so that offsets, xref layouts and damage are under the test's control.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { PDFDocument } from 'pdf-lib';

/** A temporary directory and a way to remove it. */
export interface TempDir {
  path: string;
  file(name: string, bytes?: Buffer): string;
  remove(): void;
}

/** Creates a temporary directory for one test file's samples. */
export function createTempDir(): TempDir {
  const path = mkdtempSync(join(tmpdir(), 'inspect-pdf-'));
  return {
    path,
    file(name, bytes) {
      const file = join(path, name);
      if (bytes !== undefined) writeFileSync(file, bytes);
      return file;
    },
    remove: () => rmSync(path, { recursive: true, force: true }),
  };
}

/** A pdf-lib document of `pages` pages; pdf-lib's default save writes object streams and an xref stream. */
export async function pdfLibDocument(
  pages: number,
  options: { useObjectStreams?: boolean } = {},
): Promise<Buffer> {
  const doc = await PDFDocument.create();
  for (let i = 0; i < pages; i++) doc.addPage([200, 200]).drawText(`page ${i + 1}`);
  return Buffer.from(await doc.save({ useObjectStreams: options.useObjectStreams ?? true }));
}

function runTool(tool: string, args: string[]): ReturnType<typeof spawnSync> {
  const result = spawnSync(tool, args, { encoding: 'latin1' });
  if (result.error !== undefined) {
    throw new Error(
      `${tool} is needed by these tests but could not be run (${result.error.message}); install it with apt-get install ${tool === 'qpdf' ? 'qpdf' : 'poppler-utils'}`,
    );
  }
  return result;
}

/** Runs qpdf on `input` with `args` (placed before the file names) and returns the output file. */
export function qpdf(input: Buffer, args: string[]): Buffer {
  const dir = createTempDir();
  try {
    const inFile = dir.file('in.pdf', input);
    const outFile = dir.file('out.pdf');
    const result = runTool('qpdf', [...args, inFile, outFile]);
    // Exit status 3 means success with warnings.
    if (result.status !== 0 && result.status !== 3)
      throw new Error(`qpdf ${args.join(' ')} failed: ${String(result.stderr)}`);
    return readFileSync(outFile);
  } finally {
    dir.remove();
  }
}

/** The page count poppler's pdfinfo reports, as an independent check. */
export function pdfinfoPages(input: Buffer): number {
  const dir = createTempDir();
  try {
    const result = runTool('pdfinfo', [dir.file('in.pdf', input)]);
    const match = /^Pages:\s+(\d+)/m.exec(String(result.stdout));
    if (match === null) throw new Error(`pdfinfo reported no page count: ${String(result.stderr)}`);
    return Number(match[1]);
  } finally {
    dir.remove();
  }
}

/** Writes a PDF piece by piece, remembering where each object starts. */
export class PdfBuilder {
  private readonly parts: Buffer[] = [];
  private length = 0;
  /** Offset of each object written, by number. */
  readonly offsets = new Map<number, number>();

  constructor(header = '%PDF-1.7\n%\xe2\xe3\xcf\xd3\n') {
    this.raw(header);
  }

  /** Bytes written so far. */
  get size(): number {
    return this.length;
  }

  /** Appends bytes as they are and returns where they start. */
  raw(data: string | Buffer): number {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
    const at = this.length;
    this.parts.push(bytes);
    this.length += bytes.length;
    return at;
  }

  /** Appends `num 0 obj body [stream] endobj`. */
  object(num: number, body: string, stream?: Buffer): number {
    const at = this.raw(`${num} 0 obj\n${body}\n`);
    if (stream !== undefined) {
      this.raw('stream\n');
      this.raw(stream);
      this.raw('\nendstream\n');
    }
    this.raw('endobj\n');
    this.offsets.set(num, at);
    return at;
  }

  /**
   * Appends a classic xref table listing `nums` (default: every object written, plus the free head of
   * object 0), then `trailer`, `startxref` and %%EOF. `eol` ends each entry: ' \n' makes the standard
   * 20-byte lines, '\n' 19-byte ones, ' \r\n' 21-byte ones.
   */
  xrefTable(trailer: string, options: { nums?: number[]; eol?: string } = {}): number {
    const eol = options.eol ?? ' \n';
    const nums = [...(options.nums ?? [0, ...this.offsets.keys()])].sort((a, b) => a - b);
    const at = this.raw('xref\n');
    for (let i = 0; i < nums.length;) {
      let j = i;
      while (j + 1 < nums.length && nums[j + 1] === nums[j]! + 1) j++;
      this.raw(`${nums[i]} ${j - i + 1}\n`);
      for (let k = i; k <= j; k++) {
        const offset = this.offsets.get(nums[k]!);
        this.raw(
          offset === undefined
            ? `0000000000 65535 f${eol}`
            : `${String(offset).padStart(10, '0')} 00000 n${eol}`,
        );
      }
      i = j + 1;
    }
    this.raw(`trailer\n${trailer}\nstartxref\n${at}\n%%EOF\n`);
    return at;
  }

  /** Appends `startxref` and %%EOF for a section at `offset`. */
  startxref(offset: number): void {
    this.raw(`startxref\n${offset}\n%%EOF\n`);
  }

  /** The bytes written. */
  toBuffer(): Buffer {
    return Buffer.concat(this.parts);
  }
}

/** Objects 1 (catalog), 2 (page tree) and 3.. (pages) of a document with `pages` pages. */
export function pageTreeObjects(pages: number): [number, string][] {
  const kids = Array.from({ length: pages }, (_, i) => `${i + 3} 0 R`).join(' ');
  return [
    [1, '<< /Type /Catalog /Pages 2 0 R >>'],
    [2, `<< /Type /Pages /Kids [${kids}] /Count ${pages} >>`],
    ...Array.from({ length: pages }, (_, i): [number, string] => [
      i + 3,
      '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>',
    ]),
  ];
}

/** A small hand-written PDF with a classic xref table. */
export function classicPdf(options: { pages?: number; eol?: string; header?: string } = {}): Buffer {
  const pages = options.pages ?? 2;
  const builder = new PdfBuilder(options.header);
  for (const [num, body] of pageTreeObjects(pages)) builder.object(num, body);
  builder.xrefTable(`<< /Size ${pages + 3} /Root 1 0 R >>`, { eol: options.eol ?? ' \n' });
  return builder.toBuffer();
}

/** The stored bytes and dictionary entries of an object stream holding `objects`. */
export function objectStream(objects: [number, string][]): { dict: string; data: Buffer } {
  let body = '';
  const header: string[] = [];
  for (const [num, text] of objects) {
    header.push(`${num} ${body.length}`);
    body += `${text}\n`;
  }
  const head = `${header.join(' ')}\n`;
  const data = deflateSync(Buffer.from(head + body, 'latin1'));
  return {
    dict: `/Type /ObjStm /N ${objects.length} /First ${head.length} /Filter /FlateDecode /Length ${data.length}`,
    data,
  };
}

/** One cross-reference stream row: type, then the two fields of table 18. */
export type XrefRow = [number, number, number];

/**
 * The stored bytes and dictionary entries of a cross-reference stream with /W [1 4 2]; with `predictor`
 * the rows are PNG-encoded (/Predictor 12, each row using the Up filter) as qpdf and Acrobat write them.
 */
export function xrefStream(
  rows: XrefRow[],
  options: { index?: number[]; predictor?: boolean } = {},
): { dict: string; data: Buffer } {
  const width = 7;
  const plain = Buffer.alloc(rows.length * width);
  rows.forEach(([type, second, third], i) => {
    plain.writeUInt8(type, i * width);
    plain.writeUInt32BE(second, i * width + 1);
    plain.writeUInt16BE(third, i * width + 5);
  });
  let encoded = plain;
  if (options.predictor === true) {
    encoded = Buffer.alloc(rows.length * (width + 1));
    for (let r = 0; r < rows.length; r++) {
      encoded[r * (width + 1)] = 2; // Up
      for (let c = 0; c < width; c++) {
        const above = r > 0 ? plain[(r - 1) * width + c]! : 0;
        encoded[r * (width + 1) + 1 + c] = (plain[r * width + c]! - above) & 0xff;
      }
    }
  }
  const data = deflateSync(encoded);
  const index = options.index === undefined ? '' : ` /Index [${options.index.join(' ')}]`;
  const parms = options.predictor === true ? ' /DecodeParms << /Predictor 12 /Columns 7 >>' : '';
  return { dict: `/Type /XRef /W [1 4 2]${index} /Filter /FlateDecode${parms} /Length ${data.length}`, data };
}

/** The offset after the last `startxref` of `pdf`. */
export function lastStartxref(pdf: Buffer): number {
  const tail = pdf.toString('latin1', Math.max(0, pdf.length - 2048));
  const matches = [...tail.matchAll(/startxref\s+(\d+)/g)];
  const last = matches.at(-1);
  if (last === undefined) throw new Error('the sample has no startxref');
  return Number(last[1]);
}

/**
 * Appends an incremental update (PDF 32000-1 section 7.5.6) that replaces `objects`, with a classic xref
 * section whose /Prev points at the previous one.
 */
export function appendUpdate(pdf: Buffer, objects: [number, string][], trailer: string): Buffer {
  const builder = new PdfBuilder('');
  builder.raw(pdf);
  if (!pdf.toString('latin1', pdf.length - 1).match(/[\r\n]/)) builder.raw('\n');
  for (const [num, body] of objects) builder.object(num, body);
  const nums = objects.map(([num]) => num);
  builder.xrefTable(`<< ${trailer} /Prev ${lastStartxref(pdf)} >>`, { nums });
  return builder.toBuffer();
}
