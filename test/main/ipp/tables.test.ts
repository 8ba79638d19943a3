import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import {
  DelimiterTag,
  enumKeyword,
  GROUP_TAG_NAMES,
  GroupTag,
  isOpaqueValueTag,
  isOutOfBandTag,
  isSuccessfulStatus,
  Operation,
  operationName,
  StatusCode,
  statusKeyword,
  valueTagName,
  versionKeyword,
} from '../../../main/ipp/index.js';

interface XrefTable {
  lookup: Array<string | undefined>;
}
const ipp = createRequire(import.meta.url)('ipp') as {
  tags: XrefTable;
  statusCodes: XrefTable;
  operations: XrefTable;
};

describe('IPP tables', () => {
  it('agrees with the ipp package on every tag, status code and operation both define', () => {
    ipp.tags.lookup.forEach((name, value) => {
      if (name !== undefined && value >= 0x10)
        assert.equal(valueTagName(value), name, `tag 0x${value.toString(16)}`);
    });
    let shared = 0;
    ipp.statusCodes.lookup.forEach((name, value) => {
      if (name === undefined || !(name in StatusCode)) return;
      assert.equal(StatusCode[name as keyof typeof StatusCode], value, name);
      shared += 1;
    });
    assert.ok(shared >= 45, `only ${shared} status codes in common`);
    ipp.operations.lookup.forEach((name, value) => {
      if (name !== undefined && name in Operation)
        assert.equal(Operation[name as keyof typeof Operation], value, name);
    });
  });

  it('names status codes and operations both ways', () => {
    assert.equal(StatusCode['client-error-document-format-not-supported'], 0x040a);
    assert.equal(statusKeyword(0x0503), 'server-error-version-not-supported');
    assert.equal(statusKeyword(0x7777), undefined);
    assert.equal(isSuccessfulStatus(StatusCode['successful-ok-ignored-or-substituted-attributes']), true);
    assert.equal(isSuccessfulStatus(StatusCode['client-error-bad-request']), false);
    assert.equal(operationName(0x000b), 'Get-Printer-Attributes');
    assert.equal(operationName(0x4002), 'CUPS-Get-Printers');
    assert.equal(enumKeyword('printer-state-supported', 5), 'stopped');
    assert.equal(enumKeyword('operations-supported', 0x003b), 'Close-Job');
  });

  it('classifies tag octets by their RFC 8010 §3.5 ranges', () => {
    assert.equal(isOutOfBandTag(0x13), true);
    assert.equal(isOutOfBandTag(0x1f), true);
    assert.equal(isOutOfBandTag(0x21), false);
    assert.equal(isOpaqueValueTag(0x20), true);
    assert.equal(isOpaqueValueTag(0x43), true);
    assert.equal(isOpaqueValueTag(0x80), true);
    assert.equal(isOpaqueValueTag(0x44), false);
    assert.equal(isOpaqueValueTag(0x7f), false);
    assert.equal(isOpaqueValueTag(0x37), false);
    assert.equal(valueTagName(0x13), 'no-value');
    assert.equal(valueTagName(0x99), '0x99');
  });

  it('names every group tag, system and resource included', () => {
    assert.equal(Object.keys(GroupTag).length, 9);
    assert.equal(GROUP_TAG_NAMES[GroupTag.system], 'system-attributes-tag');
    assert.equal(DelimiterTag.endOfAttributes, 0x03);
    assert.equal(versionKeyword({ major: 2, minor: 0 }), '2.0');
  });
});
