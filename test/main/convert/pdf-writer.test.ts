import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { PDFDocument } from 'pdf-lib';
import { convertToPdf } from '../../../main/convert/index.js';
import { formatPdfNumber, PdfStreamWriter } from '../../../main/convert/pdf-writer.js';
import { placementMatrix } from '../../../main/convert/placement.js';
import { collectingWritable, hasTool, qpdfCheck } from './helpers/pdf-inspect.js';
import { syntheticPwgStream } from './helpers/synthetic-raster.js';

describe('PdfStreamWriter', () => {
  it('writes a cross-reference table whose every entry points at its object', async () => {
    const out = collectingWritable();
    const pdf = new PdfStreamWriter(out.stream);
    await pdf.begin();
    const content = pdf.allocate();
    const page = pdf.allocate();
    await pdf.writeStreamObject(content, '', Buffer.from('0 0 m 10 10 l S\n'));
    await pdf.writeObject(
      page,
      `<< /Type /Page /Parent ${pdf.pageTree} 0 R /MediaBox [0 0 100 50] /Contents ${content} 0 R >>`,
    );
    pdf.addPage(page);
    await pdf.finish();
    pdf.release();

    const bytes = out.bytes();
    const text = bytes.toString('latin1');
    const xrefAt = Number(/startxref\n(\d+)\n%%EOF\n$/.exec(text)?.[1]);
    assert.equal(text.slice(xrefAt, xrefAt + 5), 'xref\n');
    const [, first, count] = /^xref\n(\d+) (\d+)\n/.exec(text.slice(xrefAt)) ?? [];
    assert.deepEqual([first, count], ['0', '6']);
    const entries = text.slice(xrefAt).split('\n').slice(2, 8);
    assert.equal(entries[0], '0000000000 65535 f ');
    entries.slice(1).forEach((entry, i) => {
      assert.match(entry, /^\d{10} 00000 n $/);
      const offset = Number(entry.slice(0, 10));
      assert.equal(text.slice(offset, offset + `${i + 1} 0 obj`.length), `${i + 1} 0 obj`);
    });
    const doc = await PDFDocument.load(bytes);
    assert.deepEqual(doc.getPage(0).getSize(), { width: 100, height: 50 });
    if (hasTool('qpdf')) assert.ok(qpdfCheck(bytes).ok);
  });

  it('refuses to finish while a reserved object is unwritten', async () => {
    const pdf = new PdfStreamWriter(collectingWritable().stream);
    await pdf.begin();
    pdf.allocate();
    await assert.rejects(pdf.finish(), /reserved but never written/);
    pdf.release();
  });

  it('formats numbers for content streams without exponents or negative zero', () => {
    assert.deepEqual([1e-7, -0, 12, 0.5, 595.2755905, -841.88976, 1e6].map(formatPdfNumber), [
      '0',
      '0',
      '12',
      '0.5',
      '595.2756',
      '-841.8898',
      '1000000',
    ]);
  });

  it('maps the unit square onto the page for all eight orientations', () => {
    // Each matrix must send the unit square's corners to the page's corners.
    for (const orientation of [1, 2, 3, 4, 5, 6, 7, 8] as const) {
      const [a, b, c, d, e, f] = placementMatrix(orientation, 30, 20);
      const corners = [
        [0, 0],
        [1, 0],
        [0, 1],
        [1, 1],
      ].map(([u = 0, v = 0]) => `${a * u + c * v + e},${b * u + d * v + f}`);
      assert.deepEqual(corners.sort(), ['0,0', '0,20', '30,0', '30,20'], `orientation ${orientation}`);
    }
  });

  it('waits for a slow output instead of buffering the document', async () => {
    let maxBuffered = 0;
    const output = new Writable({
      highWaterMark: 16 * 1024,
      write(_chunk: Buffer, _encoding, callback) {
        maxBuffered = Math.max(maxBuffered, output.writableLength);
        setTimeout(callback, 1);
      },
    });
    const { stream } = syntheticPwgStream({ pages: 3, widthPx: 600, heightPx: 800, dpi: 72, components: 3 });
    const result = await convertToPdf('image/pwg-raster', stream, output);
    assert.equal(result.pages, 3);
    // One zlib chunk (64 KiB) over the high-water mark at most, never the 4 MiB of pixels.
    assert.ok(maxBuffered <= 16 * 1024 + 64 * 1024, `${maxBuffered} bytes were buffered in the output`);
  });
});
