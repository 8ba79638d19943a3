import assert from 'node:assert/strict';
import { open } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { PdfError, inspectPdf, type PdfErrorCode, type PdfInfo } from '../../../main/pdf/inspect.js';
import {
  PdfBuilder,
  appendUpdate,
  classicPdf,
  createTempDir,
  objectStream,
  pageTreeObjects,
  pdfLibDocument,
  pdfinfoPages,
  qpdf,
  xrefStream,
} from './pdf-samples.js';

const dir = createTempDir();
after(() => dir.remove());

let sample = 0;
async function inspectBytes(bytes: Buffer): Promise<PdfInfo> {
  return inspectPdf(dir.file(`sample-${sample++}.pdf`, bytes));
}

async function rejectsWith(bytes: Buffer, code: PdfErrorCode, message: RegExp): Promise<void> {
  await assert.rejects(inspectBytes(bytes), (error: unknown) => {
    assert.ok(error instanceof PdfError, `expected a PdfError, got ${String(error)}`);
    assert.equal(error.code, code);
    assert.match(error.message, message);
    return true;
  });
}

const intact = (pages: number, version = '1.7'): PdfInfo => ({
  pages,
  version,
  encrypted: false,
  recovered: false,
});

describe('inspectPdf on pdf-lib documents', () => {
  for (const pages of [1, 3, 500]) {
    it(`counts ${pages} page(s) in a file with object streams and an xref stream`, async () => {
      assert.deepEqual(await inspectBytes(await pdfLibDocument(pages)), intact(pages));
    });

    it(`counts ${pages} page(s) in a file with a classic xref table`, async () => {
      assert.deepEqual(
        await inspectBytes(await pdfLibDocument(pages, { useObjectStreams: false })),
        intact(pages),
      );
    });
  }

  it('accepts an open FileHandle and leaves it open for the caller', async () => {
    const handle = await open(dir.file('handle.pdf', await pdfLibDocument(2)), 'r');
    try {
      assert.equal((await inspectPdf(handle)).pages, 2);
      assert.equal((await handle.stat()).size > 0, true);
    } finally {
      await handle.close();
    }
  });
});

describe('inspectPdf on qpdf variants', () => {
  let base: Buffer;
  before(async () => {
    base = await pdfLibDocument(3);
  });

  const variants: [string, string[]][] = [
    ['object streams generated (xref stream with a PNG predictor)', ['--object-streams=generate']],
    ['object streams disabled', ['--object-streams=disable']],
    ['linearized', ['--linearize']],
    ['linearized with object streams', ['--linearize', '--object-streams=generate']],
  ];
  for (const [name, args] of variants) {
    it(`counts the pages of a file with ${name}, as pdfinfo does`, async () => {
      const pdf = qpdf(base, args);
      assert.deepEqual(await inspectBytes(pdf), intact(3));
      assert.equal(pdfinfoPages(pdf), 3);
    });
  }

  it('reads a page tree stored in an object stream of a file encrypted with AES-256 and an empty user password', async () => {
    const pdf = qpdf(base, ['--encrypt', '', 'owner', '256', '--']);
    assert.deepEqual(await inspectBytes(pdf), { ...intact(3), encrypted: true });
  });

  it('reads a page tree stored in an object stream of a file encrypted with 128-bit AES and an empty user password', async () => {
    const pdf = qpdf(base, ['--encrypt', '', 'owner', '128', '--use-aes=y', '--']);
    assert.deepEqual(await inspectBytes(pdf), { ...intact(3), encrypted: true });
  });

  it('reads a page tree stored in an object stream of a file encrypted with 128-bit RC4 and an empty user password', async () => {
    const pdf = qpdf(base, ['--allow-weak-crypto', '--encrypt', '', 'owner', '128', '--']);
    assert.deepEqual(await inspectBytes(pdf), { ...intact(3), encrypted: true });
  });

  it('reads a page tree stored in an object stream of a file encrypted with 40-bit RC4 and an empty user password', async () => {
    const pdf = qpdf(base, ['--allow-weak-crypto', '--encrypt', '', 'owner', '40', '--']);
    assert.deepEqual(await inspectBytes(pdf), { ...intact(3), encrypted: true });
  });

  it('reads a file whose metadata is left unencrypted (EncryptMetadata false)', async () => {
    const pdf = qpdf(base, ['--encrypt', '', 'owner', '128', '--use-aes=y', '--cleartext-metadata', '--']);
    assert.deepEqual(await inspectBytes(pdf), { ...intact(3), encrypted: true });
  });

  it('counts the pages of a file encrypted with a user password when its page tree is not in an object stream', async () => {
    const pdf = qpdf(base, ['--object-streams=disable', '--encrypt', 'user', 'owner', '256', '--']);
    assert.deepEqual(await inspectBytes(pdf), { ...intact(3), encrypted: true });
  });

  it('refuses a file encrypted with a user password whose page tree is in an object stream', async () => {
    // qpdf keeps pdf-lib's object streams, so the page tree root is stored encrypted.
    const pdf = qpdf(base, ['--encrypt', 'user', 'owner', '256', '--']);
    await rejectsWith(pdf, 'encrypted-unreadable', /password-protected/);
  });
});

describe('inspectPdf on hand-written files', () => {
  it('reports the header version', async () => {
    assert.deepEqual(await inspectBytes(classicPdf({ header: '%PDF-1.4\n' })), intact(2, '1.4'));
    assert.deepEqual(await inspectBytes(classicPdf({ header: '%PDF-2.0\n' })), intact(2, '2.0'));
  });

  it('finds the header after junk at the start of the file', async () => {
    assert.deepEqual(await inspectBytes(classicPdf({ header: 'junk from a mail gateway\n%PDF-1.5\n' })), {
      ...intact(2, '1.5'),
    });
  });

  for (const [name, eol] of [
    ['20-byte lines ending in CR LF', '\r\n'],
    ['19-byte lines', '\n'],
    ['21-byte lines', ' \r\n'],
  ]) {
    it(`reads an xref table with ${name}`, async () => {
      assert.deepEqual(await inspectBytes(classicPdf({ pages: 4, eol })), intact(4));
    });
  }

  it('follows a /Count given as an indirect reference', async () => {
    const builder = new PdfBuilder();
    builder.object(1, '<< /Type /Catalog /Pages 2 0 R >>');
    builder.object(2, '<< /Type /Pages /Kids [3 0 R] /Count 4 0 R >>');
    builder.object(3, '<< /Type /Page /Parent 2 0 R >>');
    builder.object(4, '1');
    builder.xrefTable('<< /Size 5 /Root 1 0 R >>');
    assert.deepEqual(await inspectBytes(builder.toBuffer()), intact(1));
  });

  it('reports the count of an incremental update that changes /Count', async () => {
    const updated = appendUpdate(
      classicPdf({ pages: 2 }),
      [
        [2, '<< /Type /Pages /Kids [3 0 R 4 0 R 5 0 R 6 0 R] /Count 4 >>'],
        [5, '<< /Type /Page /Parent 2 0 R >>'],
        [6, '<< /Type /Page /Parent 2 0 R >>'],
      ],
      '/Size 7 /Root 1 0 R',
    );
    assert.deepEqual(await inspectBytes(updated), intact(4));
    assert.equal(pdfinfoPages(updated), 4);
  });

  it('reports the count of an incremental update to a file whose previous section is an xref stream', async () => {
    const original = await pdfLibDocument(3);
    const root = /\/Root (\d+) 0 R/.exec(original.toString('latin1'))?.[1];
    assert.ok(root !== undefined);
    const updated = appendUpdate(
      original,
      [
        [Number(root), '<< /Type /Catalog /Pages 100 0 R >>'],
        [100, '<< /Type /Pages /Kids [101 0 R] /Count 1 >>'],
        [101, '<< /Type /Page /Parent 100 0 R /MediaBox [0 0 100 100] >>'],
      ],
      `/Size 102 /Root ${root} 0 R`,
    );
    assert.deepEqual(await inspectBytes(updated), intact(1));
    assert.equal(pdfinfoPages(updated), 1);
  });

  it('stops following a /Prev chain that loops back on itself', async () => {
    const builder = new PdfBuilder();
    for (const [num, body] of pageTreeObjects(2)) builder.object(num, body);
    const first = builder.size;
    builder.xrefTable(`<< /Size 5 /Root 1 0 R /Prev ${first} >>`);
    assert.deepEqual(await inspectBytes(builder.toBuffer()), intact(2));
  });

  it('reads a hybrid file whose page tree is listed only in the /XRefStm stream', async () => {
    const builder = new PdfBuilder('%PDF-1.5\n');
    builder.object(1, '<< /Type /Catalog /Pages 2 0 R >>');
    builder.object(3, '<< /Type /Page /Parent 2 0 R >>');
    builder.object(4, '<< /Type /Page /Parent 2 0 R >>');
    const stream = objectStream([[2, '<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >>']]);
    builder.object(5, `<< ${stream.dict} >>`, stream.data);
    const hidden = xrefStream([[2, 5, 0]], { index: [2, 1], predictor: true });
    const hiddenAt = builder.object(6, `<< ${hidden.dict} /Size 7 >>`, hidden.data);
    // The table marks object 2 free, as hybrid writers do, so only a reader of /XRefStm finds it.
    builder.xrefTable(`<< /Size 7 /Root 1 0 R /XRefStm ${hiddenAt} >>`, { nums: [0, 1, 2, 3, 4, 5, 6] });
    assert.deepEqual(await inspectBytes(builder.toBuffer()), intact(2, '1.5'));
  });

  it('reads an xref stream whose /Index lists several subsections', async () => {
    const builder = new PdfBuilder('%PDF-1.5\n');
    const objects = pageTreeObjects(1);
    const rows = objects.map(([num, body]): [number, number, number] => [
      1,
      builder.object(
        num * 10,
        body.replaceAll(/(\d+) 0 R/g, (_, n: string) => `${Number(n) * 10} 0 R`),
      ),
      0,
    ]);
    const xref = xrefStream(rows, { index: [10, 1, 20, 1, 30, 1] });
    const at = builder.object(40, `<< ${xref.dict} /Size 41 /Root 10 0 R >>`, xref.data);
    builder.startxref(at);
    assert.deepEqual(await inspectBytes(builder.toBuffer()), intact(1, '1.5'));
  });
});

describe('inspectPdf on files that are not PDFs', () => {
  it('says an empty file is not a PDF', async () => {
    await rejectsWith(Buffer.alloc(0), 'not-pdf', /^This file is not a PDF: it is empty/);
  });

  it('says a JPEG is not a PDF', async () => {
    const jpeg = Buffer.concat([
      Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]),
      Buffer.from('JFIF\0'),
      Buffer.alloc(2000, 7),
    ]);
    await rejectsWith(jpeg, 'not-pdf', /^This file is not a PDF: it does not start with a %PDF header/);
  });

  it('says a text file is not a PDF', async () => {
    await rejectsWith(
      Buffer.from('Dear printer,\nplease print this.\n'.repeat(50)),
      'not-pdf',
      /^This file is not a PDF/,
    );
  });

  it('says a %PDF header without a version is not a PDF', async () => {
    await rejectsWith(Buffer.from('%PDF-\n1 0 obj << >> endobj\n'), 'not-pdf', /has no version number/);
  });

  it('says a header after the first 1024 bytes is not a PDF', async () => {
    await rejectsWith(
      Buffer.concat([Buffer.alloc(1024, 0x20), classicPdf()]),
      'not-pdf',
      /^This file is not a PDF/,
    );
  });

  it('rejects a negative maxScanBytes as a programming error', async () => {
    await assert.rejects(inspectPdf(dir.file('option.pdf', classicPdf()), { maxScanBytes: -1 }), RangeError);
  });

  it('lets a missing file fail with the file system error, not a PdfError', async () => {
    await assert.rejects(
      inspectPdf(dir.file('missing.pdf')),
      (error: unknown) => !(error instanceof PdfError) && (error as { code?: string }).code === 'ENOENT',
    );
  });
});

describe('inspectPdf on PDFs without pages', () => {
  it('reports no-pages for a page tree whose /Count is 0', async () => {
    const builder = new PdfBuilder();
    builder.object(1, '<< /Type /Catalog /Pages 2 0 R >>');
    builder.object(2, '<< /Type /Pages /Kids [] /Count 0 >>');
    builder.xrefTable('<< /Size 3 /Root 1 0 R >>');
    await rejectsWith(builder.toBuffer(), 'no-pages', /^The PDF has no pages/);
  });
});
