import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { deflateSync } from 'node:zlib';
import { PdfError, inspectPdf, type PdfErrorCode, type PdfInfo } from '../../../main/pdf/inspect.js';
import {
  PdfBuilder,
  classicPdf,
  createTempDir,
  lastStartxref,
  objectStream,
  pdfLibDocument,
  qpdf,
} from './pdf-samples.js';

const dir = createTempDir();
after(() => dir.remove());

let sample = 0;
async function inspectBytes(bytes: Buffer, options?: { maxScanBytes?: number }): Promise<PdfInfo> {
  return inspectPdf(dir.file(`damaged-${sample++}.pdf`, bytes), options);
}

async function outcome(bytes: Buffer): Promise<PdfInfo | PdfError> {
  try {
    return await inspectBytes(bytes);
  } catch (error) {
    assert.ok(error instanceof PdfError, `expected only PdfError, got ${String(error)}`);
    return error;
  }
}

/**
 * Damage may be repaired (the right count, marked recovered) or refused as `damaged`; nothing else. When
 * `intactIndex` is true the cross-reference data survived, so an unrecovered correct count is right too.
 */
async function assertRecoveredOrDamaged(
  bytes: Buffer,
  pages: number,
  intactIndex = false,
): Promise<'recovered' | 'intact' | 'damaged'> {
  const result = await outcome(bytes);
  if (result instanceof PdfError) {
    assert.equal(result.code, 'damaged', result.message);
    assert.match(result.message, /^The PDF is damaged: /);
    return 'damaged';
  }
  assert.equal(result.pages, pages);
  if (!intactIndex) assert.equal(result.recovered, true);
  return result.recovered ? 'recovered' : 'intact';
}

async function rejectsWith(
  bytes: Buffer,
  code: PdfErrorCode,
  options?: { maxScanBytes?: number },
): Promise<PdfError> {
  const error = await inspectBytes(bytes, options).then(
    (info) => assert.fail(`expected ${code}, got ${JSON.stringify(info)}`),
    (e: unknown) => e,
  );
  assert.ok(error instanceof PdfError);
  assert.equal(error.code, code, error.message);
  return error;
}

function withStartxref(pdf: Buffer, offset: number): Buffer {
  const text = pdf.toString('latin1');
  const at = text.lastIndexOf('startxref');
  return Buffer.from(
    text.slice(0, at) + text.slice(at).replace(/startxref\s+\d+/, `startxref\n${offset}`),
    'latin1',
  );
}

const samples: Record<string, Buffer> = {};
before(async () => {
  samples['pdf-lib with object streams'] = await pdfLibDocument(3);
  samples['pdf-lib with a classic table'] = await pdfLibDocument(3, { useObjectStreams: false });
  samples['qpdf linearized'] = qpdf(samples['pdf-lib with object streams']!, ['--linearize']);
  samples['qpdf with generated object streams'] = qpdf(samples['pdf-lib with object streams']!, [
    '--object-streams=generate',
  ]);
});

describe('inspectPdf on truncated files', () => {
  for (const name of [
    'pdf-lib with object streams',
    'pdf-lib with a classic table',
    'qpdf linearized',
    'qpdf with generated object streams',
  ]) {
    it(`recovers or refuses a ${name} file cut at several offsets, never throwing anything else`, async () => {
      const pdf = samples[name]!;
      for (const keep of [
        pdf.length - 1,
        pdf.length - 6,
        pdf.length - 40,
        pdf.length - 200,
        Math.floor(pdf.length * 0.75),
        Math.floor(pdf.length / 2),
        300,
        20,
      ]) {
        // A cut that spares `startxref N` leaves the index readable; the count must be right either way.
        const intactIndex =
          keep >= pdf.lastIndexOf('startxref') + 'startxref'.length + String(lastStartxref(pdf)).length + 1;
        await assertRecoveredOrDamaged(pdf.subarray(0, keep), 3, intactIndex);
      }
    });
  }

  it('recovers a classic file cut just before its xref table', async () => {
    const pdf = samples['pdf-lib with a classic table']!;
    const cut = pdf.subarray(0, lastStartxref(pdf));
    assert.equal(await assertRecoveredOrDamaged(cut, 3), 'recovered');
  });

  it('recovers a file cut before its xref stream by reading the object streams it still has', async () => {
    const pdf = samples['pdf-lib with object streams']!;
    const cut = pdf.subarray(0, lastStartxref(pdf));
    assert.equal(await assertRecoveredOrDamaged(cut, 3), 'recovered');
  });

  it('says a file holding only a header is damaged', async () => {
    const error = await rejectsWith(Buffer.from('%PDF-1.7\n'), 'damaged');
    assert.match(error.message, /^The PDF is damaged: .+\. Open it in a PDF viewer/);
  });
});

describe('inspectPdf on files with a broken cross-reference', () => {
  for (const name of ['pdf-lib with object streams', 'pdf-lib with a classic table', 'qpdf linearized']) {
    it(`recovers a ${name} file whose startxref points at the wrong offset`, async () => {
      const pdf = samples[name]!;
      for (const offset of [0, 9, lastStartxref(pdf) + 2, lastStartxref(pdf) + 5, pdf.length + 100]) {
        assert.equal(
          await assertRecoveredOrDamaged(withStartxref(pdf, offset), 3),
          'recovered',
          `startxref ${offset}`,
        );
      }
    });
  }

  it('recovers a file whose xref entries are off by a few bytes', async () => {
    const pdf = samples['pdf-lib with a classic table']!.toString('latin1');
    const shifted = pdf.replace(
      /^(\d{10}) (\d{5}) n/gm,
      (_, offset: string, gen: string) => `${String(Number(offset) + 3).padStart(10, '0')} ${gen} n`,
    );
    assert.notEqual(shifted, pdf);
    assert.equal(await assertRecoveredOrDamaged(Buffer.from(shifted, 'latin1'), 3), 'recovered');
  });

  it('recovers a file with bytes inserted in the middle, which moves every later object', async () => {
    for (const name of ['pdf-lib with a classic table', 'pdf-lib with object streams']) {
      const pdf = samples[name]!;
      const middle = Math.floor(pdf.indexOf('endobj') + 7);
      const grown = Buffer.concat([
        pdf.subarray(0, middle),
        Buffer.from('\n% an editor left this here\n'),
        pdf.subarray(middle),
      ]);
      assert.equal(await assertRecoveredOrDamaged(grown, 3), 'recovered', name);
    }
  });

  it('reads a file with a little garbage after %%EOF without needing recovery', async () => {
    const pdf = Buffer.concat([
      samples['pdf-lib with a classic table']!,
      Buffer.from('\r\n\0\0 garbage from a download manager \xff\xfe', 'latin1'),
    ]);
    assert.deepEqual(await inspectBytes(pdf), {
      pages: 3,
      version: '1.7',
      encrypted: false,
      recovered: false,
    });
  });

  it('recovers a file with more garbage after %%EOF than the tail window', async () => {
    const garbage = Buffer.alloc(8000);
    for (let i = 0; i < garbage.length; i++) garbage[i] = (i * 7919) % 251;
    for (const name of ['pdf-lib with a classic table', 'pdf-lib with object streams']) {
      assert.equal(
        await assertRecoveredOrDamaged(Buffer.concat([samples[name]!, garbage]), 3),
        'recovered',
        name,
      );
    }
  });

  it('recovers an encrypted file with a broken startxref using the /Encrypt of the xref stream it finds', async () => {
    const pdf = qpdf(samples['pdf-lib with object streams']!, ['--encrypt', '', 'owner', '256', '--']);
    assert.deepEqual(await inspectBytes(withStartxref(pdf, 3)), {
      pages: 3,
      version: '1.7',
      encrypted: true,
      recovered: true,
    });
  });

  it('refuses a damaged file that recovery would have to search beyond maxScanBytes', async () => {
    const pdf = withStartxref(
      Buffer.concat([Buffer.from('%PDF-1.7\n%' + ' '.repeat(5000) + '\n'), classicPdf().subarray(9)]),
      1,
    );
    const error = await rejectsWith(pdf, 'damaged', { maxScanBytes: 4096 });
    assert.match(error.message, /first 4 KiB searched/);
    assert.equal((await inspectBytes(pdf)).recovered, true);
  });
});

describe('inspectPdf on files whose objects are broken', () => {
  function document(objects: [number, string][], trailer = '<< /Size 9 /Root 1 0 R >>'): Buffer {
    const builder = new PdfBuilder();
    for (const [num, body] of objects) builder.object(num, body);
    builder.xrefTable(trailer);
    return builder.toBuffer();
  }

  it('says a file whose page tree refers to itself in a loop is damaged', async () => {
    const pdf = document([
      [1, '<< /Type /Catalog /Pages 2 0 R >>'],
      [2, '3 0 R'],
      [3, '2 0 R'],
    ]);
    await rejectsWith(pdf, 'damaged');
  });

  it('says a file whose /Count refers to itself is damaged', async () => {
    await rejectsWith(
      document([
        [1, '<< /Type /Catalog /Pages 2 0 R >>'],
        [2, '<< /Type /Pages /Count 3 0 R >>'],
        [3, '3 0 R'],
      ]),
      'damaged',
    );
  });

  it('says a file whose page tree has no /Count is damaged', async () => {
    await rejectsWith(
      document([
        [1, '<< /Type /Catalog /Pages 2 0 R >>'],
        [2, '<< /Type /Pages /Kids [] >>'],
      ]),
      'damaged',
    );
  });

  it('says a file whose /Count is negative or fractional is damaged', async () => {
    for (const count of ['-3', '2.5', '(3)']) {
      await rejectsWith(
        document([
          [1, '<< /Type /Catalog /Pages 2 0 R >>'],
          [2, `<< /Type /Pages /Count ${count} >>`],
        ]),
        'damaged',
      );
    }
  });

  it('says a file whose trailer names no catalog is damaged', async () => {
    await rejectsWith(document([[2, '<< /Type /Pages /Count 1 >>']], '<< /Size 3 >>'), 'damaged');
  });

  it('says a file whose references chain further than the limit is damaged', async () => {
    const chain: [number, string][] = Array.from({ length: 40 }, (_, i): [number, string] => [
      i + 10,
      `${i + 11} 0 R`,
    ]);
    const pdf = document(
      [[1, '<< /Type /Catalog /Pages 10 0 R >>'], ...chain, [50, '<< /Type /Pages /Count 1 >>']],
      '<< /Size 51 /Root 1 0 R >>',
    );
    await rejectsWith(pdf, 'damaged');
  });

  it('says a file claiming more pages than it has bytes is damaged', async () => {
    await rejectsWith(
      document([
        [1, '<< /Type /Catalog /Pages 2 0 R >>'],
        [2, '<< /Type /Pages /Count 99999999 >>'],
      ]),
      'damaged',
    );
  });

  it('says a file whose catalog is larger than the object window limit is too complex', async () => {
    const huge = `[${'0 '.repeat(600_000)}]`;
    const error = await rejectsWith(
      document([
        [1, `<< /Type /Catalog /Pages 2 0 R /Big ${huge} >>`],
        [2, '<< /Type /Pages /Count 1 >>'],
      ]),
      'too-complex',
    );
    assert.match(error.message, /1 MiB limit/);
  });

  it('says a file nesting arrays deeper than the limit is too complex', async () => {
    const deep = `${'['.repeat(100)}${']'.repeat(100)}`;
    const error = await rejectsWith(
      document([
        [1, `<< /Type /Catalog /Pages 2 0 R /Deep ${deep} >>`],
        [2, '<< /Type /Pages /Count 1 >>'],
      ]),
      'too-complex',
    );
    assert.match(error.message, /^The PDF is too complex to inspect: .*64 levels/);
  });

  it('says a file whose object stream inflates past the limit is too complex', async () => {
    const bomb = deflateSync(Buffer.alloc(17 * 1024 * 1024, 0x20));
    const builder = new PdfBuilder('%PDF-1.5\n');
    builder.object(1, '<< /Type /Catalog /Pages 2 0 R >>');
    builder.object(3, `<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length ${bomb.length} >>`, bomb);
    // The xref stream says object 2 lives in object stream 3.
    const rows = Buffer.from([
      1,
      0,
      0,
      0,
      0,
      0xff,
      0xff,
      1,
      ...u32(builder.offsets.get(1)!),
      0,
      0,
      2,
      0,
      0,
      0,
      3,
      0,
      0,
      1,
      ...u32(builder.offsets.get(3)!),
      0,
      0,
    ]);
    const data = deflateSync(rows);
    const at = builder.object(
      4,
      `<< /Type /XRef /W [1 4 2] /Size 4 /Root 1 0 R /Filter /FlateDecode /Length ${data.length} >>`,
      data,
    );
    builder.startxref(at);
    const error = await rejectsWith(builder.toBuffer(), 'too-complex');
    assert.match(error.message, /16 MiB/);
  });

  it('reads an object stream whose /Length is wrong by finding endstream', async () => {
    const stream = objectStream([[2, '<< /Type /Pages /Kids [] /Count 5 >>']]);
    const builder = new PdfBuilder('%PDF-1.5\n');
    builder.object(1, '<< /Type /Catalog /Pages 2 0 R >>');
    builder.object(3, `<< ${stream.dict.replace(/\/Length \d+/, '/Length 9999')} >>`, stream.data);
    const rows = Buffer.from([
      0,
      0,
      0,
      0,
      0,
      0xff,
      0xff,
      1,
      ...u32(builder.offsets.get(1)!),
      0,
      0,
      2,
      0,
      0,
      0,
      3,
      0,
      0,
      1,
      ...u32(builder.offsets.get(3)!),
      0,
      0,
    ]);
    const data = deflateSync(rows);
    const at = builder.object(
      4,
      `<< /Type /XRef /W [1 4 2] /Size 4 /Root 1 0 R /Filter /FlateDecode /Length ${data.length} >>`,
      data,
    );
    builder.startxref(at);
    assert.deepEqual(await inspectBytes(builder.toBuffer()), {
      pages: 5,
      version: '1.5',
      encrypted: false,
      recovered: false,
    });
  });
});

function u32(value: number): number[] {
  return [(value >>> 24) & 0xff, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff];
}
