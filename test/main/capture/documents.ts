// Documents for the printer tests that helpers/pdf.ts does not make: a PDF smaller than the printer's
// 1 KiB sniffing window, and the JPEG fixture grown past that window.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { editSegments, segment } from '../convert/helpers/jpeg-builder.js';

/** A valid one-page PDF of about 330 bytes, with a correct cross-reference table. */
export function tinyPdf(): Buffer {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>',
  ];
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) out += `${String(offset).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

/** The 48 x 32 px quadrants JPEG fixture (701 bytes). */
export const FIXTURE_JPEG = readFileSync(join(import.meta.dirname, '../convert/fixtures/quadrants-rgb.jpg'));

/** The fixture with a comment segment that takes it past `size` bytes (same image). */
export function paddedJpeg(size = 4096): Buffer {
  const comments: Buffer[] = [];
  // A segment holds at most 65533 bytes of payload (its length field counts itself).
  for (let left = size - FIXTURE_JPEG.length; left > 0; left -= 60_004) {
    comments.push(segment(0xfe, Buffer.alloc(Math.min(60_000, Math.max(1, left - 4)), 0x20)));
  }
  return editSegments(FIXTURE_JPEG, (segments) => [...segments, ...comments]);
}
