// What the decoder refuses, what it tolerates, and what it reports. One line per rule.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  decode,
  decodeWithBody,
  IppParseError,
  isSupportedVersion,
  StatusCode,
  ValueTag,
  type IppParseErrorCode,
} from '../../../main/ipp/index.js';
import { header, int32, item, join, requestStart, tag } from './wire-bytes.js';

const END = tag(0x03);

function refuses(input: Buffer, code: IppParseErrorCode, options = {}): IppParseError {
  try {
    decode(input, options);
  } catch (error) {
    assert.ok(error instanceof IppParseError, String(error));
    assert.equal(error.code, code, error.message);
    return error;
  }
  return assert.fail(`accepted input that should fail with ${code}`);
}

const col = (name: string) => item(ValueTag.begCollection, name, []);
const member = (name: string) => item(ValueTag.memberAttrName, '', name);
const endCol = () => item(ValueTag.endCollection, '', []);

describe('IPP decoder', () => {
  it('reads the header fields and reports the version without judging it', () => {
    const message = decode(join(header(0x000b, 9, 9), END));
    assert.deepEqual(message.version, { major: 9, minor: 9 });
    assert.equal(message.operationIdOrStatus, 0x000b);
    assert.equal(message.requestId, 1);
    assert.deepEqual(message.groups, []);
    assert.equal(isSupportedVersion(message.version), false);
    assert.equal(isSupportedVersion({ major: 2, minor: 0 }), true);
    assert.equal(isSupportedVersion({ major: 1, minor: 1 }), true);
  });

  it('refuses groups out of order: the operation group must come first, and only once', () => {
    refuses(join(header(), tag(0x02), item(0x44, 'a', 'b'), END), 'group-order');
    refuses(join(requestStart(), tag(0x01), END), 'group-order');
  });

  it('keeps repeated groups of other kinds apart, as Get-Jobs responses have them', () => {
    const message = decode(
      join(
        requestStart(),
        tag(0x02),
        item(0x21, 'job-id', int32(1)),
        tag(0x02),
        item(0x21, 'job-id', int32(2)),
        END,
      ),
    );
    assert.deepEqual(
      message.groups.map((g) => [g.tag, g.attributes.length]),
      [
        [1, 1],
        [2, 1],
        [2, 1],
      ],
    );
  });

  it('refuses reserved delimiter tags and attributes before the first group', () => {
    refuses(join(requestStart(), tag(0x00), END), 'reserved-tag');
    refuses(join(requestStart(), tag(0x0b), END), 'reserved-tag');
    refuses(join(requestStart(), tag(0x0f), END), 'reserved-tag');
    refuses(join(header(), item(0x44, 'a', 'b'), END), 'attribute-before-group');
  });

  it('accepts every known group tag, system and resource included', () => {
    const groups = [0x02, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a].map((t) =>
      join(tag(t), item(0x44, 'k', 'v')),
    );
    const message = decode(join(requestStart(), ...groups, END));
    assert.deepEqual(
      message.groups.map((g) => g.tag),
      [1, 2, 4, 5, 6, 7, 8, 9, 10],
    );
  });

  it('refuses collections that do not balance', () => {
    refuses(join(requestStart(), member('x'), END), 'member-outside-collection');
    refuses(join(requestStart(), endCol(), END), 'unbalanced-collection');
    refuses(join(requestStart(), col('media-col'), tag(0x02), END), 'unterminated-collection');
    refuses(join(requestStart(), col('media-col'), END), 'unterminated-collection');
    refuses(
      join(requestStart(), col('media-col'), member('media-type'), endCol(), END),
      'member-without-value',
    );
    refuses(join(requestStart(), col('media-col'), member('a'), member('b'), END), 'member-without-value');
    refuses(join(requestStart(), col('media-col'), item(0x44, '', 'v'), endCol(), END), 'missing-name');
    refuses(join(requestStart(), col('media-col'), member(''), END), 'missing-name');
  });

  it('refuses names where RFC 8010 §3.1.7 wants none', () => {
    refuses(
      join(requestStart(), col('c'), member('m'), item(0x44, 'named', 'v'), endCol(), END),
      'unexpected-name',
    );
    refuses(join(requestStart(), col('c'), item(0x4a, 'named', 'm'), END), 'unexpected-name');
    refuses(join(requestStart(), col('c'), item(0x37, 'named', []), END), 'unexpected-name');
  });

  it('decodes multi-valued members and collections of collections', () => {
    const input = join(
      requestStart(),
      tag(0x04),
      col('media-col-database'),
      member('media-type'),
      item(0x44, '', 'stationery'),
      item(0x44, '', 'photographic'),
      member('media-size'),
      col(''),
      member('x-dimension'),
      item(0x21, '', int32(21000)),
      endCol(),
      endCol(),
      col(''),
      endCol(),
      END,
    );
    const attribute = decode(input).groups[1]?.attributes[0];
    assert.equal(attribute?.name, 'media-col-database');
    assert.equal(attribute?.values.length, 2);
    assert.deepEqual(attribute?.values[0], {
      tag: ValueTag.begCollection,
      value: [
        {
          name: 'media-type',
          values: [
            { tag: ValueTag.keyword, value: 'stationery' },
            { tag: ValueTag.keyword, value: 'photographic' },
          ],
        },
        {
          name: 'media-size',
          values: [
            {
              tag: ValueTag.begCollection,
              value: [{ name: 'x-dimension', values: [{ tag: 0x21, value: 21000 }] }],
            },
          ],
        },
      ],
    });
    assert.deepEqual(attribute?.values[1], { tag: ValueTag.begCollection, value: [] });
  });

  it('refuses fixed-size values of the wrong size and values out of their range', () => {
    refuses(join(requestStart(), item(0x21, 'copies', [0, 0, 1]), END), 'bad-value-length');
    refuses(join(requestStart(), item(0x22, 'b', [0, 1]), END), 'bad-value-length');
    refuses(join(requestStart(), item(0x31, 'd', Buffer.alloc(10)), END), 'bad-value-length');
    refuses(join(requestStart(), item(0x34, 'c', [1]), END), 'bad-value-length');
    refuses(join(requestStart(), item(0x22, 'b', [2]), END), 'bad-value');
    refuses(join(requestStart(), item(0x32, 'r', [0, 0, 1, 44, 0, 0, 1, 44, 5]), END), 'bad-value');
    const badMonth = Buffer.from([0x07, 0xe9, 13, 1, 0, 0, 0, 0, 0x2b, 0, 0]);
    refuses(join(requestStart(), item(0x31, 'd', badMonth), END), 'bad-value');
    const badDirection = Buffer.from([0x07, 0xe9, 1, 1, 0, 0, 0, 0, 0x3d, 0, 0]);
    refuses(join(requestStart(), item(0x31, 'd', badDirection), END), 'bad-value');
  });

  it('decodes structured values: dateTime, resolution, range, string with language', () => {
    const date = Buffer.from([0x07, 0xe9, 12, 31, 23, 59, 60, 9, 0x2d, 5, 30]);
    const message = decode(
      join(
        requestStart(),
        item(0x31, 'd', date),
        item(0x32, 'r', [0, 0, 2, 88, 0, 0, 1, 44, 4]),
        item(0x33, 'p', [0xff, 0xff, 0xff, 0xff, 0, 0, 0, 9]),
        item(0x36, 'n', [0, 2, 0x66, 0x72, 0, 3, 0x63, 0x3d, 0x61]),
        END,
      ),
    );
    const values = message.groups[0]?.attributes.slice(1).map((a) => a.values[0]?.value);
    assert.deepEqual(values, [
      {
        year: 2025,
        month: 12,
        day: 31,
        hours: 23,
        minutes: 59,
        seconds: 60,
        deciSeconds: 9,
        utcDirection: '-',
        utcHours: 5,
        utcMinutes: 30,
      },
      { x: 600, y: 300, units: 'dpcm' },
      { lower: -1, upper: 9 },
      { lang: 'fr', text: 'c=a' },
    ]);
  });

  it('refuses invalid UTF-8 in names and strings but keeps octetString bytes as they are', () => {
    refuses(join(requestStart(), item(0x42, 'job-name', [0xc3, 0x28]), END), 'invalid-utf8');
    refuses(join(requestStart(), item(0x44, Buffer.from([0xff]), 'v'), END), 'invalid-utf8');
    refuses(join(requestStart(), item(0x35, 't', [0, 1, 0xff, 0, 0]), END), 'invalid-utf8');
    const message = decode(join(requestStart(), item(0x30, 'job-password', [0xc3, 0x28, 0xff]), END));
    assert.deepEqual(message.groups[0]?.attributes[1]?.values[0]?.value, Buffer.from([0xc3, 0x28, 0xff]));
  });

  it('tolerates out-of-band values with bytes (CUPS notes Brother printers send them) and keeps the bytes', () => {
    const message = decode(
      join(requestStart(), item(0x13, 'printer-alert', 'junk'), item(0x14, 'future', []), END),
    );
    assert.deepEqual(message.groups[0]?.attributes.slice(1), [
      { name: 'printer-alert', values: [{ tag: 0x13, value: Buffer.from('junk') }] },
      { name: 'future', values: [{ tag: 0x14, value: null }] },
    ]);
  });

  it('keeps values of unknown tags as raw bytes', () => {
    const message = decode(join(requestStart(), item(0x4b, 'vendor', [1, 2, 3]), item(0xff, '', [4]), END));
    assert.deepEqual(message.groups[0]?.attributes[1]?.values, [
      { tag: 0x4b, value: Buffer.from([1, 2, 3]) },
      { tag: 0xff, value: Buffer.from([4]) },
    ]);
  });

  it('enforces the value, name, and values-per-attribute limits with the status to answer', () => {
    const longKeyword = refuses(
      join(requestStart(), item(0x44, 'sides', 'x'.repeat(256)), END),
      'value-too-long',
    );
    assert.equal(longKeyword.status, StatusCode['client-error-request-value-too-long']);
    refuses(join(requestStart(), item(0x44, 'n'.repeat(256), 'v'), END), 'name-too-long');
    const tooMany = join(requestStart(), item(0x44, 'k', 'v'), item(0x44, '', 'v'), item(0x44, '', 'v'), END);
    const error = refuses(tooMany, 'too-many-values', { limits: { maxValuesPerAttribute: 2 } });
    assert.equal(error.status, StatusCode['client-error-request-entity-too-large']);
    const spread = join(
      requestStart(),
      item(0x44, 'a', 'v'),
      item(0x44, 'b', 'v'),
      item(0x44, 'c', 'v'),
      END,
    );
    assert.match(
      refuses(spread, 'too-many-values', { limits: { maxValues: 3 } }).message,
      /more than 3 values/,
    );
    const raised = decode(join(requestStart(), item(0x44, 'sides', 'x'.repeat(256)), END), {
      limits: { maxValueLength: { [ValueTag.keyword]: 300 } },
    });
    assert.equal(raised.groups[0]?.attributes[1]?.values[0]?.value, 'x'.repeat(256));
  });

  it('returns the document bytes after end-of-attributes-tag as a view of the input', () => {
    const input = join(requestStart(), END, Buffer.from('%PDF-1.7\n\xff'));
    const { body, sectionLength } = decodeWithBody(input);
    assert.equal(sectionLength, requestStart().length + 1);
    assert.deepEqual(body, input.subarray(sectionLength));
  });

  it('says where the input stopped when it is truncated', () => {
    const whole = join(requestStart(), item(0x44, 'sides', 'one-sided'), END);
    const at = requestStart().length;
    const cases: Array<[number, RegExp, number]> = [
      [4, /inside its 8-octet header/, 0],
      [at, /before its end-of-attributes-tag/, at],
      [at + 2, /inside a name-length/, at + 1],
      [at + 5, /inside a name/, at + 3],
      [at + 9, /inside a value-length/, at + 8],
      [at + 12, /inside a value/, at + 10],
    ];
    for (const [length, message, offset] of cases) {
      const error = refuses(whole.subarray(0, length), 'truncated');
      assert.match(error.message, message);
      assert.equal(error.offset, offset);
    }
  });

  it('puts the byte offset and suggested status on every error', () => {
    const input = join(requestStart(), item(0x22, 'b', [7]), END);
    const error = refuses(input, 'bad-value');
    assert.equal(error.offset, requestStart().length + 1 + 2 + 1 + 2);
    assert.equal(error.statusKeyword, 'client-error-bad-request');
    assert.equal(error.status, 0x0400);
    assert.match(error.message, /at byte \d+/);
    assert.deepEqual(error.header, { version: { major: 2, minor: 0 }, operationIdOrStatus: 2, requestId: 1 });
  });

  it('has no header to report when the input stops inside it', () => {
    assert.equal(refuses(header().subarray(0, 5), 'truncated').header, undefined);
    assert.equal(refuses(join(requestStart()), 'truncated').header?.requestId, 1);
  });
});
