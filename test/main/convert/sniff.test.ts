import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sniffFormat } from '../../../main/convert/index.js';

describe('sniffFormat', () => {
  it('recognises each signature at the start of the document', () => {
    assert.equal(sniffFormat(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16])), 'image/jpeg');
    assert.equal(sniffFormat(Buffer.from('RaS2PwgRaster\0')), 'image/pwg-raster');
    assert.equal(sniffFormat(Buffer.from('UNIRAST\0\0\0\0\x01')), 'image/urf');
    assert.equal(sniffFormat(Buffer.from('%PDF-1.7\n')), 'application/pdf');
  });

  it('finds a PDF header after up to 1024 bytes of junk, and not further', () => {
    const junk = (n: number): Buffer => Buffer.concat([Buffer.alloc(n, 0x20), Buffer.from('%PDF-1.4')]);
    assert.equal(sniffFormat(junk(1000)), 'application/pdf');
    assert.equal(sniffFormat(junk(1019)), 'application/pdf');
    assert.equal(sniffFormat(junk(1020)), null);
  });

  it('says null for anything else, including signatures cut short', () => {
    for (const head of ['', 'RaS', 'RaS3', 'UNIRAST', 'GIF89a', '%PD', 'PK\x03\x04']) {
      assert.equal(sniffFormat(Buffer.from(head, 'latin1')), null, JSON.stringify(head));
    }
    assert.equal(sniffFormat(Buffer.from([0xff, 0xd8])), null);
  });

  it('prefers the signature at the start over a PDF header later on', () => {
    assert.equal(
      sniffFormat(Buffer.concat([Buffer.from('RaS2'), Buffer.from('%PDF-1.4')])),
      'image/pwg-raster',
    );
  });
});
