// PDFs for tests, made with pdf-lib (small) or streamed to disk (big, constant memory).
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { PDFDocument, StandardFonts } from 'pdf-lib';

/** A valid PDF with `pages` pages and `padBytes` of random (incompressible) data in an extra stream. */
export async function makePdf(
  pages = 1,
  options: { padBytes?: number; title?: string } = {},
): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let i = 0; i < pages; i++) {
    const page = doc.addPage([595, 842]);
    page.drawText(`Page ${i + 1} ${options.title ?? ''}`, { x: 50, y: 780, size: 18, font });
  }
  if (options.padBytes) doc.context.register(doc.context.stream(randomBytes(options.padBytes)));
  return Buffer.from(await doc.save({ useObjectStreams: false }));
}

/** SHA-256 in hex. */
export function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * Writes a one-page PDF of about `bytes` bytes to `path` without holding it in memory: the page's content
 * stream is `bytes` of spaces and comment lines. Returns the SHA-256.
 */
export async function writeBigPdf(path: string, bytes: number): Promise<string> {
  const out = createWriteStream(path);
  const hash = createHash('sha256');
  let offset = 0;
  const offsets: number[] = [];
  const put = async (data: Buffer | string) => {
    const b = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
    hash.update(b);
    offset += b.length;
    if (!out.write(b)) await once(out, 'drain');
  };
  await put('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n');
  offsets[1] = offset;
  await put('1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n');
  offsets[2] = offset;
  await put('2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n');
  offsets[3] = offset;
  await put('3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>\nendobj\n');
  offsets[4] = offset;
  const chunk = Buffer.alloc(1 << 20, 0x20);
  chunk.write('% filler\n', 0, 'latin1');
  const n = Math.max(1, Math.floor(bytes / chunk.length));
  await put(`4 0 obj\n<< /Length ${n * chunk.length} >>\nstream\n`);
  for (let i = 0; i < n; i++) await put(chunk);
  await put('\nendstream\nendobj\n');
  const xref = offset;
  let table = 'xref\n0 5\n0000000000 65535 f \n';
  for (let i = 1; i <= 4; i++) table += `${String(offsets[i]).padStart(10, '0')} 00000 n \n`;
  await put(`${table}trailer\n<< /Size 5 /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`);
  out.end();
  await once(out, 'finish');
  return hash.digest('hex');
}
