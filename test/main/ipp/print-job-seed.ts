// The fuzzing seed: a Print-Job request like the one CUPS's cups/fuzzipp.c builds, widened to carry
// every value tag we know, out-of-band and opaque tags, 1setOf values and nested collections.
import { attr, charsetAndLanguage, group, Operation, ValueTag } from '../../../main/ipp/index.js';
import type { IppMessage } from '../../../main/ipp/index.js';

/** A Print-Job request carrying every tag type. */
export function printJobSeed(): IppMessage {
  return {
    version: { major: 2, minor: 0 },
    operationIdOrStatus: Operation['Print-Job'],
    requestId: 42,
    groups: [
      group('operation', [
        ...charsetAndLanguage('en-us'),
        attr('printer-uri', 'uri', 'ipp://localhost/printers/foo'),
        attr('requesting-user-name', 'nameWithoutLanguage', 'john-doe'),
        attr('job-name', 'nameWithLanguage', { lang: 'es-MX', text: 'Trabajo de prueba' }),
        attr('document-format', 'mimeMediaType', 'application/pdf'),
        attr('job-password', 'octetString', Buffer.from('8675309')),
        attr('job-password-encryption', 'keyword', 'none'),
      ]),
      group('job', [
        attr('print-color-mode', 'keyword', 'color'),
        attr('print-quality', 'enum', 'high'),
        attr('printer-resolution', 'resolution', { x: 1200, y: 1200, units: 'dpi' }),
        attr('copies', 'integer', 42),
        attr('some-boolean-option', 'boolean', true, false),
        attr('some-uri-scheme', 'uriScheme', 'mailto'),
        attr('some-text-with-language', 'textWithLanguage', { lang: 'es-MX', text: '¡Hola el mundo!' }),
        attr('page-ranges', 'rangeOfInteger', { lower: 1, upper: 50 }, { lower: 60, upper: 70 }),
        attr('job-hold-until-time', 'dateTime', new Date(Date.UTC(2025, 0, 2, 3, 4, 5))),
        attr('job-message-to-operator', 'textWithoutLanguage', 'This is a test job.'),
        attr('finishings', 'enum', 'staple-top-left', 'punch-dual-left'),
        attr('media-col', 'collection', [
          attr('media-size', 'collection', [
            attr('x-dimension', 'integer', 21590),
            attr('y-dimension', 'integer', 27940),
          ]),
          attr('media-color', 'keyword', 'blue'),
          attr('media-type', 'keyword', 'stationery'),
        ]),
        attr('job-sheets', 'noValue'),
        attr('number-up', 'unknown'),
        attr('output-bin', 'unsupported'),
        attr('job-priority', 'default'),
        attr('job-account-id', 'notSettable'),
        attr('job-account-type', 'deleteAttribute'),
        attr('job-accounting-user-id', 'adminDefine'),
        { name: 'vendor-opaque', values: [{ tag: 0x5f, value: Buffer.from([0xde, 0xad, 0xbe, 0xef]) }] },
      ]),
      group('document', [
        attr('document-natural-language', 'naturalLanguage', 'en'),
        attr('compression', 'charset', 'utf-8'),
      ]),
    ],
  };
}

/** The distinct value tags the seed carries, for checking that it covers what it claims. */
export function seedTags(message: IppMessage): Set<number> {
  const tags = new Set<number>();
  const visit = (attributes: IppMessage['groups'][number]['attributes']): void => {
    for (const a of attributes) {
      for (const v of a.values) {
        tags.add(v.tag);
        if (v.tag === ValueTag.begCollection) visit(v.value);
      }
    }
  };
  for (const g of message.groups) visit(g.attributes);
  return tags;
}
