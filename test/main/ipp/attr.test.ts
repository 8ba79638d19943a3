import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  attr,
  charsetAndLanguage,
  dateTimeFromDate,
  dateTimeToDate,
  decode,
  encode,
  findAttribute,
  group,
  GroupTag,
  IppEncodeError,
  StatusCode,
  ValueTag,
} from '../../../main/ipp/index.js';

describe('IPP attribute builders', () => {
  it('builds an attribute from a syntax name and plain values', () => {
    assert.deepEqual(attr('printer-name', 'nameWithoutLanguage', 'Cloud Print and Scan'), {
      name: 'printer-name',
      values: [{ tag: ValueTag.nameWithoutLanguage, value: 'Cloud Print and Scan' }],
    });
    assert.deepEqual(attr('copies-supported', 'rangeOfInteger', { lower: 1, upper: 99 }).values, [
      { tag: ValueTag.rangeOfInteger, value: { lower: 1, upper: 99 } },
    ]);
  });

  it('builds enums by keyword, for the attribute and its -default and -supported forms', () => {
    assert.deepEqual(attr('printer-state', 'enum', 'idle').values, [{ tag: ValueTag.enum, value: 3 }]);
    assert.deepEqual(
      attr('operations-supported', 'enum', 'Print-Job', 'Get-Printer-Attributes').values.map((v) => v.value),
      [0x0002, 0x000b],
    );
    assert.deepEqual(
      attr('finishings-supported', 'enum', 'none', 'staple').values.map((v) => v.value),
      [3, 4],
    );
    assert.equal(attr('print-quality-default', 'enum', 'high').values[0]?.value, 5);
    assert.equal(attr('orientation-requested-supported', 'enum', 'landscape').values[0]?.value, 4);
    assert.equal(attr('job-state', 'enum', 'completed').values[0]?.value, 9);
    assert.equal(attr('job-state', 'enum', 7).values[0]?.value, 7);
    assert.throws(
      () => attr('printer-state', 'enum', 'sleeping'),
      (e: unknown) => e instanceof IppEncodeError && e.code === 'unknown-enum',
    );
  });

  it('builds out-of-band attributes with no values', () => {
    assert.deepEqual(attr('printer-alert', 'noValue'), {
      name: 'printer-alert',
      values: [{ tag: 0x13, value: null }],
    });
    assert.deepEqual(attr('x', 'unsupported').values, [{ tag: 0x10, value: null }]);
  });

  it('builds collections, dates and octet strings', () => {
    const media = attr('media-col', 'collection', [attr('media-type', 'keyword', 'stationery')]);
    assert.deepEqual(media.values[0], {
      tag: ValueTag.begCollection,
      value: [{ name: 'media-type', values: [{ tag: ValueTag.keyword, value: 'stationery' }] }],
    });
    const when = new Date(Date.UTC(2025, 5, 30, 12, 34, 56, 789));
    const date = attr('printer-current-time', 'dateTime', when).values[0];
    assert.equal(date?.tag, ValueTag.dateTime);
    assert.deepEqual(date?.value, {
      year: 2025,
      month: 6,
      day: 30,
      hours: 12,
      minutes: 34,
      seconds: 56,
      deciSeconds: 7,
      utcDirection: '+',
      utcHours: 0,
      utcMinutes: 0,
    });
    assert.deepEqual(attr('job-password', 'octetString', 'abc').values[0]?.value, Buffer.from('abc'));
  });

  it('converts dateTime to and from Date at a UTC offset', () => {
    const when = new Date(Date.UTC(2025, 0, 1, 0, 30, 0, 500));
    const paris = dateTimeFromDate(when, 60);
    assert.deepEqual([paris.hours, paris.minutes, paris.utcDirection, paris.utcHours], [1, 30, '+', 1]);
    assert.equal(dateTimeToDate(paris).getTime(), when.getTime());
    const newYork = dateTimeFromDate(when, -300);
    assert.deepEqual([newYork.year, newYork.day, newYork.hours, newYork.utcDirection], [2024, 31, 19, '-']);
    assert.equal(dateTimeToDate(newYork).getTime(), when.getTime());
  });

  it('builds a response that decodes back, found by name', () => {
    const response = {
      version: { major: 2, minor: 0 },
      operationIdOrStatus: StatusCode['client-error-document-format-not-supported'],
      requestId: 5,
      groups: [
        group('operation', [
          ...charsetAndLanguage(),
          attr('status-message', 'textWithoutLanguage', 'Send a PDF.'),
        ]),
        group('unsupported', [attr('document-format', 'mimeMediaType', 'application/x-unknown')]),
      ],
    };
    const decoded = decode(encode(response));
    assert.equal(decoded.operationIdOrStatus, 0x040a);
    assert.equal(
      findAttribute(decoded, 'document-format', GroupTag.unsupported)?.values[0]?.value,
      'application/x-unknown',
    );
    assert.equal(findAttribute(decoded, 'document-format', GroupTag.operation), undefined);
  });
});
