import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import {
  attr,
  charsetAndLanguage,
  decodeStream,
  encode,
  encodeWithDocument,
  group,
  IppEncodeError,
  ValueTag,
  type IppEncodeErrorCode,
  type IppMessage,
  type IppValue,
} from '../../../main/ipp/index.js';
import { collect } from './stream-helpers.js';

const base: IppMessage = {
  version: { major: 2, minor: 0 },
  operationIdOrStatus: 0x000b,
  requestId: 1,
  groups: [group('operation', charsetAndLanguage())],
};

function withValue(value: unknown, name = 'x'): IppMessage {
  return { ...base, groups: [group('operation', [{ name, values: [value as IppValue] }])] };
}

function refuses(message: IppMessage, code: IppEncodeErrorCode): IppEncodeError {
  try {
    encode(message);
  } catch (error) {
    assert.ok(error instanceof IppEncodeError, String(error));
    assert.equal(error.code, code, error.message);
    return error;
  }
  return assert.fail(`encoded a message that should fail with ${code}`);
}

describe('IPP encoder', () => {
  it('writes header, groups and end-of-attributes-tag as RFC 8010 §3.1.1 draws them', () => {
    const bytes = encode({ ...base, groups: [group('operation', [attr('a', 'keyword', 'b', 'c')])] });
    assert.equal(
      bytes.toString('hex'),
      [
        '0200',
        '000b',
        '00000001',
        '01',
        '44',
        '0001',
        '61',
        '0001',
        '62',
        '44',
        '0000',
        '0001',
        '63',
        '03',
      ].join(''),
    );
  });

  it('writes collection members as memberAttrName then unnamed values (RFC 8010 §3.1.7)', () => {
    const bytes = encode({
      ...base,
      groups: [group('job', [attr('c', 'collection', [attr('m', 'integer', 1, 2)])])],
    });
    const expected = [
      '0200000b00000001',
      '02',
      '34' + '0001' + '63' + '0000',
      '4a' + '0000' + '0001' + '6d',
      '21' + '0000' + '0004' + '00000001',
      '21' + '0000' + '0004' + '00000002',
      '37' + '0000' + '0000',
      '03',
    ].join('');
    assert.equal(bytes.toString('hex'), expected);
  });

  it('refuses values that do not fit their tag, with the attribute named', () => {
    refuses(withValue({ tag: ValueTag.integer, value: 2 ** 31 }), 'invalid-value');
    refuses(withValue({ tag: ValueTag.integer, value: 1.5 }), 'invalid-value');
    refuses(withValue({ tag: ValueTag.boolean, value: 1 }), 'invalid-value');
    refuses(withValue({ tag: ValueTag.keyword, value: 42 }), 'invalid-value');
    refuses(withValue({ tag: ValueTag.keyword, value: 'lone \ud800 surrogate' }), 'invalid-value');
    refuses(withValue({ tag: ValueTag.octetString, value: 'not bytes' }), 'invalid-value');
    refuses(withValue({ tag: ValueTag.resolution, value: { x: 1, y: 1, units: 'dpmm' } }), 'invalid-value');
    refuses(withValue({ tag: ValueTag.dateTime, value: { year: 2025 } }), 'invalid-value');
    refuses(withValue({ tag: ValueTag.memberAttrName, value: 'm' }), 'invalid-value');
    refuses(withValue({ tag: 0x7f, value: Buffer.alloc(0) }), 'invalid-value');
    refuses(withValue({ tag: 0x03, value: null }), 'invalid-value');
    const error = refuses(
      withValue({ tag: ValueTag.textWithoutLanguage, value: 'x'.repeat(40_000) }, 'job-name'),
      'value-too-long',
    );
    assert.equal(error.attribute, 'job-name');
  });

  it('refuses an empty name, an attribute without values, and a bad header or group', () => {
    refuses(
      { ...base, groups: [group('operation', [{ name: '', values: [{ tag: 0x13, value: null }] }])] },
      'invalid-name',
    );
    refuses({ ...base, groups: [group('operation', [{ name: 'x', values: [] }])] }, 'empty-attribute');
    refuses({ ...base, version: { major: 256, minor: 0 } }, 'invalid-header');
    refuses({ ...base, requestId: 2 ** 32 }, 'invalid-header');
    refuses({ ...base, groups: [{ tag: 0x03 as 0x01, attributes: [] }] }, 'invalid-group');
  });

  it('refuses collections nested deeper than the decoder would accept', () => {
    let value = attr('leaf', 'integer', 1);
    for (let i = 0; i < 40; i++) value = attr(`level-${i}`, 'collection', [value]);
    const error = refuses({ ...base, groups: [group('job', [value])] }, 'collection-too-deep');
    assert.match(error.attribute ?? '', /^level-39\/level-38/);
    assert.doesNotThrow(() =>
      encode({ ...base, groups: [group('job', [value])] }, { maxCollectionDepth: 64 }),
    );
  });

  it('streams a request and its document without reading the document ahead of the consumer', async () => {
    let pulled = 0;
    const document = new Readable({
      read() {
        pulled += 1;
        this.push(pulled > 1000 ? null : Buffer.alloc(64 * 1024, pulled & 0xff));
      },
    });
    const wire = encodeWithDocument(base, document);
    const { message, body } = await decodeStream(wire);
    assert.deepEqual(message, base);
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.ok(pulled < 10, `the document was read ${pulled} chunks ahead`);
    let bytes = 0;
    for await (const chunk of body) bytes += (chunk as Buffer).length;
    assert.equal(bytes, 1000 * 64 * 1024);
  });

  it('streams a request with a document given as bytes or as an iterable', async () => {
    const fromBytes = await collect(encodeWithDocument(base, Buffer.from('%PDF')));
    assert.deepEqual(fromBytes, Buffer.concat([encode(base), Buffer.from('%PDF')]));
    const fromIterable = await collect(encodeWithDocument(base, [Buffer.from('a'), Buffer.from('b')]));
    assert.deepEqual(fromIterable, Buffer.concat([encode(base), Buffer.from('ab')]));
  });

  it('throws encoding errors at once, before any byte is streamed', () => {
    assert.throws(() => encodeWithDocument({ ...base, requestId: 1.5 }, Buffer.alloc(0)), IppEncodeError);
  });
});
