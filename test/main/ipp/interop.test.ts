// Interop with the `ipp` npm package (2.0.1), an independent implementation: what it writes we
// read, and what we write it reads, for the subset it supports (no dateTime: its parser is broken).
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import {
  attr,
  charsetAndLanguage,
  decode,
  decodeWithBody,
  encode,
  findAttribute,
  findMember,
  group,
  GroupTag,
  Operation,
  StatusCode,
  ValueTag,
  type IppMessage,
} from '../../../main/ipp/index.js';

interface IppPackage {
  serialize(message: Record<string, unknown>): Buffer;
  parse(buffer: Buffer): Record<string, unknown>;
}

const ipp = createRequire(import.meta.url)('ipp') as IppPackage;

describe('IPP interop with the ipp package', () => {
  it('decodes a Get-Printer-Attributes request that the ipp package encoded', () => {
    const wire = ipp.serialize({
      operation: 'Get-Printer-Attributes',
      id: 77,
      'operation-attributes-tag': {
        'attributes-charset': 'utf-8',
        'attributes-natural-language': 'en',
        'printer-uri': 'ipp://127.0.0.1:5572/ipp/print',
        'requested-attributes': ['printer-name', 'printer-state', 'operations-supported'],
      },
    });
    const message = decode(wire);
    assert.deepEqual(message.version, { major: 2, minor: 0 });
    assert.equal(message.operationIdOrStatus, Operation['Get-Printer-Attributes']);
    assert.equal(message.requestId, 77);
    assert.deepEqual(message.groups[0]?.attributes.slice(0, 2), charsetAndLanguage('en'));
    assert.deepEqual(findAttribute(message, 'requested-attributes'), {
      name: 'requested-attributes',
      values: ['printer-name', 'printer-state', 'operations-supported'].map((value) => ({
        tag: ValueTag.keyword,
        value,
      })),
    });
  });

  it('decodes a Print-Job request with a collection and a binary document from the ipp package', () => {
    const document = Buffer.from([0x25, 0x50, 0x44, 0x46, 0xff, 0x00, 0xc3, 0x28]);
    const wire = ipp.serialize({
      operation: 'Print-Job',
      id: 9,
      'operation-attributes-tag': {
        'attributes-charset': 'utf-8',
        'attributes-natural-language': 'en',
        'printer-uri': 'ipp://127.0.0.1:5572/ipp/print',
        'requesting-user-name': 'alice',
        'job-name': 'report',
        'document-format': 'application/pdf',
      },
      'job-attributes-tag': {
        copies: 2,
        sides: 'two-sided-long-edge',
        'media-col': { 'media-size': { 'x-dimension': 21000, 'y-dimension': 29700 } },
      },
      data: document,
    });
    const { message, body } = decodeWithBody(wire);
    assert.deepEqual(body, document);
    assert.deepEqual(findAttribute(message, 'job-name', GroupTag.operation)?.values, [
      { tag: ValueTag.nameWithoutLanguage, value: 'report' },
    ]);
    const mediaCol = findAttribute(message, 'media-col', GroupTag.job)?.values[0];
    assert.equal(mediaCol?.tag, ValueTag.begCollection);
    const size =
      mediaCol?.tag === ValueTag.begCollection ? findMember(mediaCol.value, 'media-size') : undefined;
    assert.deepEqual(size?.values[0], {
      tag: ValueTag.begCollection,
      value: [attr('x-dimension', 'integer', 21000), attr('y-dimension', 'integer', 29700)],
    });
  });

  it('writes a Get-Printer-Attributes response that the ipp package parses', () => {
    const response: IppMessage = {
      version: { major: 2, minor: 0 },
      operationIdOrStatus: StatusCode['successful-ok'],
      requestId: 77,
      groups: [
        group('operation', [
          ...charsetAndLanguage(),
          attr('status-message', 'textWithoutLanguage', 'successful-ok'),
        ]),
        group('printer', [
          attr('printer-name', 'nameWithoutLanguage', 'Cloud Print and Scan'),
          attr('printer-state', 'enum', 'idle'),
          attr('printer-is-accepting-jobs', 'boolean', true),
          attr('queued-job-count', 'integer', 0),
          attr('operations-supported', 'enum', 'Print-Job', 'Validate-Job', 'Get-Printer-Attributes'),
          attr('document-format-supported', 'mimeMediaType', 'application/pdf', 'image/jpeg'),
          attr('printer-resolution-default', 'resolution', { x: 600, y: 600, units: 'dpi' }),
          attr('copies-supported', 'rangeOfInteger', { lower: 1, upper: 99 }),
          attr('printer-uri-supported', 'uri', 'ipp://127.0.0.1:5572/ipp/print'),
          attr('media-col-default', 'collection', [
            attr('media-size', 'collection', [
              attr('x-dimension', 'integer', 21000),
              attr('y-dimension', 'integer', 29700),
            ]),
            attr('media-type', 'keyword', 'stationery'),
          ]),
        ]),
      ],
    };
    const parsed = ipp.parse(encode(response));
    assert.equal(parsed.version, '2.0');
    assert.equal(parsed.statusCode, 'successful-ok');
    assert.equal(parsed.id, 77);
    assert.deepEqual(parsed['operation-attributes-tag'], {
      'attributes-charset': 'utf-8',
      'attributes-natural-language': 'en',
      'status-message': 'successful-ok',
    });
    assert.deepEqual(parsed['printer-attributes-tag'], {
      'printer-name': 'Cloud Print and Scan',
      'printer-state': 'idle',
      'printer-is-accepting-jobs': true,
      'queued-job-count': 0,
      'operations-supported': ['Print-Job', 'Validate-Job', 'Get-Printer-Attributes'],
      'document-format-supported': ['application/pdf', 'image/jpeg'],
      'printer-resolution-default': [600, 600, 'dpi'],
      'copies-supported': [1, 99],
      'printer-uri-supported': 'ipp://127.0.0.1:5572/ipp/print',
      'media-col-default': {
        'media-size': { 'x-dimension': 21000, 'y-dimension': 29700 },
        'media-type': 'stationery',
      },
    });
  });
});
