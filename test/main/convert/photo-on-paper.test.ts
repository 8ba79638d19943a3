import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { PDFDocument } from 'pdf-lib';
import { convertToPdf } from '../../../main/convert/index.js';
import { PHOTO_MARGIN_PT, placePhoto } from '../../../main/convert/placement.js';

const A4 = { widthPt: 595.28, heightPt: 841.89 };

async function convert(jpeg: Buffer, paper?: typeof A4): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  await convertToPdf('image/jpeg', Readable.from([jpeg]), out, {}, paper ? { paper } : {});
  return Buffer.concat(chunks);
}

describe('a photo printed on paper', () => {
  it('keeps a declared size that fits and centres it on the sheet', () => {
    const p = placePhoto({ widthPt: 48, heightPt: 32 }, true, A4);
    assert.deepEqual(p.sheet, A4);
    assert.equal(p.widthPt, 48);
    assert.equal(p.heightPt, 32);
    assert.ok(Math.abs(p.x - (A4.widthPt - 48) / 2) < 1e-9);
    assert.ok(Math.abs(p.y - (A4.heightPt - 32) / 2) < 1e-9);
  });

  it('scales a photo without a declared size, or too big, to fit inside the margins', () => {
    const big = placePhoto({ widthPt: 4000, heightPt: 3000 }, true, A4);
    assert.ok(Math.abs(big.widthPt - (A4.widthPt - 2 * PHOTO_MARGIN_PT)) < 1e-6);
    assert.ok(big.heightPt < A4.heightPt - 2 * PHOTO_MARGIN_PT);
    const small = placePhoto({ widthPt: 48, heightPt: 32 }, false, A4);
    assert.ok(Math.abs(small.widthPt - (A4.widthPt - 2 * PHOTO_MARGIN_PT)) < 1e-6);
    assert.ok(Math.abs(small.widthPt / small.heightPt - 1.5) < 1e-9, 'the aspect ratio is kept');
  });

  it('lays a JPEG out on the paper it is given, and on its own size without one', async () => {
    const jpeg = readFileSync(join(import.meta.dirname, 'fixtures/quadrants-rgb.jpg'));
    const onPaper = await PDFDocument.load(await convert(jpeg, A4));
    const page = onPaper.getPage(0).getSize();
    assert.ok(Math.abs(page.width - A4.widthPt) < 0.01 && Math.abs(page.height - A4.heightPt) < 0.01);
    const own = (await PDFDocument.load(await convert(jpeg))).getPage(0).getSize();
    assert.ok(own.width < 100 && own.height < 100, `${own.width} x ${own.height}`);
  });
});
