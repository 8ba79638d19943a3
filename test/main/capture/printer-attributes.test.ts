// Get-Printer-Attributes over loopback HTTP (RFC 8011 §4.2.5): what a driverless client (CUPS everywhere,
// AirPrint, Windows' IPP class driver) reads to build a queue, and requested-attributes with its groups.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  GroupTag,
  Operation,
  PrinterState,
  ValueTag,
  attr,
  findAttribute,
  findMember,
} from '../../../main/ipp/index.js';
import type { IppAttribute, IppMessage } from '../../../main/ipp/index.js';
import { mediaSize } from '../../../main/capture/media.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { call, ippRequest, statusOf, valueOf, valuesOf } from './ipp-client.js';
import { startTestPrinter } from './test-printer.js';
import type { TestPrinter } from './test-printer.js';

describe('virtual printer: Get-Printer-Attributes', () => {
  const DRIVERLESS = [
    'printer-uri-supported',
    'uri-security-supported',
    'uri-authentication-supported',
    'ipp-versions-supported',
    'operations-supported',
    'document-format-supported',
    'document-format-default',
    'printer-state',
    'printer-state-reasons',
    'printer-is-accepting-jobs',
    'printer-make-and-model',
    'printer-name',
    'charset-configured',
    'charset-supported',
    'natural-language-configured',
    'generated-natural-language-supported',
    'compression-supported',
    'copies-default',
    'copies-supported',
    'sides-default',
    'sides-supported',
    'print-color-mode-default',
    'print-color-mode-supported',
    'media-default',
    'media-supported',
    'media-col-default',
    'media-col-supported',
    'media-col-database',
    'printer-resolution-default',
    'printer-resolution-supported',
    'pdf-versions-supported',
    'urf-supported',
    'pwg-raster-document-resolution-supported',
    'pwg-raster-document-type-supported',
    'printer-uuid',
    'printer-up-time',
  ];

  const getPrinterAttributes = (p: TestPrinter, requested?: string[]) =>
    call(
      p.port,
      ippRequest(
        'Get-Printer-Attributes',
        p.uri,
        requested ? [attr('requested-attributes', 'keyword', ...(requested as [string, ...string[]]))] : [],
      ),
    );

  it('answers an operation group and one printer group with what a driverless client needs', async (t) => {
    const p = await startTestPrinter(t);
    const answer = await getPrinterAttributes(p);
    assert.equal(statusOf(answer), 'successful-ok');
    assert.deepEqual(
      answer.groups.map((g) => g.tag),
      [GroupTag.operation, GroupTag.printer],
    );
    const operation = answer.groups[0]?.attributes ?? [];
    assert.deepEqual(
      operation.slice(0, 2).map((a) => [a.name, a.values[0]?.value]),
      [
        ['attributes-charset', 'utf-8'],
        ['attributes-natural-language', 'en'],
      ],
    );
    const names = new Set(answer.groups[1]?.attributes.map((a) => a.name));
    const missing = DRIVERLESS.filter((n) => !names.has(n));
    assert.deepEqual(missing, [], 'every driverless attribute is there');

    const v = (name: string) => valuesOf(answer, name, GroupTag.printer) ?? [];
    assert.deepEqual(v('printer-uri-supported'), [p.uri]);
    assert.deepEqual(v('uri-security-supported'), ['none']);
    assert.deepEqual(v('uri-authentication-supported'), ['requesting-user-name']);
    assert.ok(v('ipp-versions-supported').includes('1.1') && v('ipp-versions-supported').includes('2.0'));
    const ops = [
      'Print-Job',
      'Validate-Job',
      'Create-Job',
      'Send-Document',
      'Cancel-Job',
      'Get-Job-Attributes',
      'Get-Jobs',
      'Get-Printer-Attributes',
    ] as const;
    assert.deepEqual([...v('operations-supported')].sort(), ops.map((o) => Operation[o]).sort());
    for (const f of [
      'application/pdf',
      'image/jpeg',
      'image/pwg-raster',
      'image/urf',
      'application/octet-stream',
    ])
      assert.ok(v('document-format-supported').includes(f), f);
    assert.deepEqual(v('document-format-default'), ['application/octet-stream']);
    assert.deepEqual(v('printer-state'), [PrinterState.idle]);
    assert.deepEqual(v('printer-state-reasons'), ['none']);
    assert.deepEqual(v('printer-is-accepting-jobs'), [true]);
    assert.ok(String(v('printer-make-and-model')[0]).length > 0);
    assert.ok(String(v('printer-name')[0]).length > 0);
    assert.deepEqual(v('charset-configured'), ['utf-8']);
    assert.ok(v('charset-supported').includes('utf-8'));
    assert.deepEqual(v('natural-language-configured'), ['en']);
    assert.deepEqual([...v('compression-supported')].sort(), ['deflate', 'gzip', 'none']);
    assert.deepEqual(v('copies-default'), [1]);
    assert.deepEqual(v('copies-supported'), [{ lower: 1, upper: 999 }]);
    assert.deepEqual(v('sides-default'), ['one-sided']);
    assert.deepEqual(v('sides-supported'), ['one-sided', 'two-sided-long-edge', 'two-sided-short-edge']);
    assert.deepEqual(v('print-color-mode-default'), ['auto']);
    assert.ok(v('print-color-mode-supported').includes('monochrome'));
    assert.deepEqual(v('media-default'), ['iso_a4_210x297mm']);
    assert.ok(v('media-supported').includes('na_letter_8.5x11in'));
    const mediaCol = findAttribute(answer, 'media-col-default', GroupTag.printer)?.values[0];
    assert.equal(mediaCol?.tag, ValueTag.begCollection);
    const size =
      mediaCol?.tag === ValueTag.begCollection ? findMember(mediaCol.value, 'media-size') : undefined;
    const dims = size?.values[0];
    assert.ok(dims?.tag === ValueTag.begCollection);
    assert.deepEqual(
      dims.value.map((m) => [m.name, m.values[0]?.value]),
      [
        ['x-dimension', 21000],
        ['y-dimension', 29700],
      ],
    );
    const databaseSizes = new Set(
      v('media-col-database').map((col) => {
        const members = col as IppAttribute[];
        const dims = findMember(members, 'media-size')?.values[0]?.value as IppAttribute[];
        return dims.map((d) => d.values[0]?.value).join('x');
      }),
    );
    for (const keyword of v('media-supported')) {
      const size = mediaSize(String(keyword));
      assert.ok(size, `${String(keyword)} is a size the printer knows`);
      assert.ok(
        databaseSizes.has(`${size.width}x${size.height}`),
        `media-col-database offers ${String(keyword)}`,
      );
    }
    assert.deepEqual(v('printer-resolution-default'), [{ x: 600, y: 600, units: 'dpi' }]);
    assert.ok(v('pdf-versions-supported').includes('adobe-1.7'));
    assert.ok(v('urf-supported').some((k) => String(k).startsWith('RS')));
    assert.ok(v('pwg-raster-document-type-supported').includes('srgb_8'));
    assert.match(
      String(v('printer-uuid')[0]),
      /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
    assert.ok(Number(v('printer-up-time')[0]) >= 1);
  });

  it('answers only the requested attributes, and the job-template and printer-description groups', async (t) => {
    const p = await startTestPrinter(t);
    const two = await getPrinterAttributes(p, ['printer-name', 'printer-state']);
    assert.deepEqual(answerNames(two), ['printer-name', 'printer-state']);
    const template = answerNames(await getPrinterAttributes(p, ['job-template']));
    for (const n of ['copies-supported', 'media-supported', 'sides-default', 'media-col-default'])
      assert.ok(template.includes(n), n);
    assert.ok(!template.includes('printer-name'), 'no description attribute in job-template');
    assert.ok(!template.includes('media-col-database'), 'media-col-database only when named');
    const description = answerNames(await getPrinterAttributes(p, ['printer-description']));
    for (const n of ['printer-name', 'printer-uri-supported', 'operations-supported'])
      assert.ok(description.includes(n), n);
    assert.ok(!description.includes('copies-supported'), 'no template attribute in printer-description');
    assert.deepEqual(answerNames(await getPrinterAttributes(p, ['media-col-database'])), [
      'media-col-database',
    ]);
  });

  it('keeps printer-uuid across restarts on the same data dir, and differs between data dirs', async (t) => {
    const dataDir = tempDir(t, 'cps-uuid-');
    const uuidOf = async (p: TestPrinter) =>
      valueOf(await getPrinterAttributes(p, ['printer-uuid']), 'printer-uuid', GroupTag.printer);
    const first = await startTestPrinter(t, { dataDir });
    const a = await uuidOf(first);
    const second = await startTestPrinter(t, { dataDir });
    const other = await startTestPrinter(t);
    assert.equal(await uuidOf(second), a);
    assert.notEqual(await uuidOf(other), a);
  });

  it('advertises the configured media-default', async (t) => {
    const p = await startTestPrinter(t, { mediaDefault: 'na_letter_8.5x11in' });
    const answer = await getPrinterAttributes(p, ['media-default', 'media-ready']);
    assert.deepEqual(valuesOf(answer, 'media-default', GroupTag.printer), ['na_letter_8.5x11in']);
    assert.deepEqual(valuesOf(answer, 'media-ready', GroupTag.printer), ['na_letter_8.5x11in']);
  });
});

function answerNames(answer: IppMessage): string[] {
  return (answer.groups.find((g) => g.tag === GroupTag.printer)?.attributes ?? []).map((a) => a.name);
}
