// The printer's description and job-template attributes (RFC 8011 §5.4, PWG 5100.12 IPP/2.0, PWG 5100.14
// IPP Everywhere's media, raster and PDF attributes): enough for CUPS "everywhere", AirPrint and Windows'
// IPP class driver to build a queue without a driver.
import { Operation, attr } from '../ipp/index.js';
import type { IppAttribute, IppResolution } from '../ipp/index.js';
import { MEDIA_SIZES, mediaSize } from './media.js';

/** What the attributes are built from. */
export interface PrinterFacts {
  uri: string;
  uuid: string;
  name: string;
  makeAndModel: string;
  mediaDefault: string;
  upSeconds: number;
  queuedJobCount: number;
  accepting: boolean;
}

/** Operations of this printer (PAPPL style: one handler per operation, in `operations/`). */
export const SUPPORTED_OPERATIONS = [
  'Print-Job',
  'Validate-Job',
  'Create-Job',
  'Send-Document',
  'Cancel-Job',
  'Get-Job-Attributes',
  'Get-Jobs',
  'Get-Printer-Attributes',
] as const;

/** Formats taken as they are (PDF) or converted to PDF; octet-stream is sniffed. */
export const DOCUMENT_FORMATS = [
  'application/octet-stream',
  'application/pdf',
  'image/jpeg',
  'image/pwg-raster',
  'image/urf',
] as const;

/** "compression-supported". */
export const COMPRESSIONS = ['none', 'deflate', 'gzip'] as const;
export const SIDES = ['one-sided', 'two-sided-long-edge', 'two-sided-short-edge'] as const;
export const COLOR_MODES = ['auto', 'color', 'monochrome'] as const;
/** "copies-supported": 1-999. */
export const MAX_COPIES = 999;

/**
 * Margins in 1/100 mm. The releasing printer applies its own, so any would do, but CUPS names a size with
 * zero margins "A4.Borderless" and then finds no PageSize matching the plain "A4" of media-col-default: the
 * driverless queue ends up with no default paper and lays everything out on Letter. So the defaults carry
 * the usual 1/6 inch, and the database offers each size with and without margins.
 */
const MARGIN = 423;
const BORDERLESS = 0;

function mediaCol(keyword: string, margin = MARGIN): IppAttribute[] {
  const size = mediaSize(keyword);
  return [
    attr('media-size', 'collection', [
      attr('x-dimension', 'integer', size?.width ?? 21000),
      attr('y-dimension', 'integer', size?.height ?? 29700),
    ]),
    attr('media-bottom-margin', 'integer', margin),
    attr('media-left-margin', 'integer', margin),
    attr('media-right-margin', 'integer', margin),
    attr('media-top-margin', 'integer', margin),
    attr('media-source', 'keyword', 'auto'),
    attr('media-type', 'keyword', 'stationery'),
  ];
}

/** Resolutions offered for rendering and for PWG raster. */
const RESOLUTIONS: [IppResolution, IppResolution] = [
  { x: 300, y: 300, units: 'dpi' },
  { x: 600, y: 600, units: 'dpi' },
];

type Many<T> = [T, ...T[]];
const many = <T>(xs: readonly T[]) => xs as unknown as Many<T>;

/** Every printer attribute, in a stable order. */
export function printerAttributes(f: PrinterFacts): IppAttribute[] {
  const sizes = MEDIA_SIZES.map((m) => [
    attr('x-dimension', 'integer', m.width),
    attr('y-dimension', 'integer', m.height),
  ]);
  return [
    attr('printer-uri-supported', 'uri', f.uri),
    attr('uri-security-supported', 'keyword', 'none'),
    attr('uri-authentication-supported', 'keyword', 'requesting-user-name'),
    attr('printer-name', 'nameWithoutLanguage', f.name),
    attr('printer-info', 'textWithoutLanguage', f.name),
    attr('printer-location', 'textWithoutLanguage', 'This computer'),
    attr('printer-make-and-model', 'textWithoutLanguage', f.makeAndModel),
    attr('printer-more-info', 'uri', f.uri.replace(/^ipp:/, 'http:')),
    attr(
      'printer-device-id',
      'textWithoutLanguage',
      'MFG:Cloud Print and Scan;MDL:Virtual Printer;CMD:PDF,PWGRaster,URF,JPEG;',
    ),
    attr('printer-uuid', 'uri', `urn:uuid:${f.uuid}`),
    attr('printer-state', 'enum', f.accepting ? 'idle' : 'stopped'),
    attr('printer-state-reasons', 'keyword', f.accepting ? 'none' : 'spool-area-full'),
    attr(
      'printer-state-message',
      'textWithoutLanguage',
      f.accepting ? 'Ready.' : 'The spool is not accepting jobs.',
    ),
    attr('printer-is-accepting-jobs', 'boolean', f.accepting),
    attr('printer-up-time', 'integer', Math.max(1, f.upSeconds)),
    attr('printer-current-time', 'dateTime', new Date()),
    attr('printer-state-change-time', 'integer', 1),
    attr('printer-config-change-time', 'integer', 1),
    attr('queued-job-count', 'integer', f.queuedJobCount),
    attr('printer-kind', 'keyword', 'document'),
    attr('ipp-versions-supported', 'keyword', '1.1', '2.0'),
    attr('ipp-features-supported', 'keyword', 'none'),
    attr('operations-supported', 'enum', ...many(SUPPORTED_OPERATIONS.map((op) => Operation[op]))),
    attr('charset-configured', 'charset', 'utf-8'),
    attr('charset-supported', 'charset', 'utf-8', 'us-ascii'),
    attr('natural-language-configured', 'naturalLanguage', 'en'),
    attr('generated-natural-language-supported', 'naturalLanguage', 'en'),
    attr('document-format-default', 'mimeMediaType', 'application/octet-stream'),
    attr('document-format-supported', 'mimeMediaType', ...many(DOCUMENT_FORMATS)),
    attr('document-format-preferred', 'mimeMediaType', 'application/pdf'),
    attr('compression-supported', 'keyword', ...many(COMPRESSIONS)),
    attr('pdl-override-supported', 'keyword', 'attempted'),
    attr('multiple-document-jobs-supported', 'boolean', false),
    attr('multiple-operation-time-out', 'integer', 300),
    attr('multiple-operation-time-out-action', 'keyword', 'abort-job'),
    attr('job-ids-supported', 'boolean', true),
    attr('which-jobs-supported', 'keyword', 'completed', 'not-completed', 'all'),
    attr('job-k-octets-supported', 'rangeOfInteger', { lower: 0, upper: 1048576 }),
    attr('pages-per-minute', 'integer', 60),
    attr('pages-per-minute-color', 'integer', 60),
    attr('color-supported', 'boolean', true),
    attr(
      'job-creation-attributes-supported',
      'keyword',
      'copies',
      'sides',
      'print-color-mode',
      'media',
      'media-col',
      'job-name',
      'document-name',
      'finishings',
      'orientation-requested',
      'print-quality',
      'printer-resolution',
      'output-bin',
      'ipp-attribute-fidelity',
      'job-priority',
      'job-hold-until',
      'job-sheets',
      'number-up',
      'multiple-document-handling',
      'page-ranges',
    ),
    // Job template (RFC 8011 §5.2).
    attr('copies-default', 'integer', 1),
    attr('copies-supported', 'rangeOfInteger', { lower: 1, upper: MAX_COPIES }),
    attr('finishings-default', 'enum', 'none'),
    attr('finishings-supported', 'enum', 'none'),
    attr('job-hold-until-default', 'keyword', 'no-hold'),
    attr('job-hold-until-supported', 'keyword', 'no-hold'),
    attr('job-priority-default', 'integer', 50),
    attr('job-priority-supported', 'integer', 100),
    attr('job-sheets-default', 'keyword', 'none'),
    attr('job-sheets-supported', 'keyword', 'none'),
    attr('media-default', 'keyword', f.mediaDefault),
    attr('media-supported', 'keyword', ...many(MEDIA_SIZES.map((m) => m.keyword))),
    attr('media-ready', 'keyword', f.mediaDefault),
    attr('media-col-default', 'collection', mediaCol(f.mediaDefault)),
    attr('media-col-ready', 'collection', mediaCol(f.mediaDefault)),
    attr(
      'media-col-database',
      'collection',
      ...many(MEDIA_SIZES.flatMap((m) => [mediaCol(m.keyword), mediaCol(m.keyword, BORDERLESS)])),
    ),
    attr(
      'media-col-supported',
      'keyword',
      'media-size',
      'media-bottom-margin',
      'media-left-margin',
      'media-right-margin',
      'media-top-margin',
      'media-source',
      'media-type',
    ),
    attr('media-size-supported', 'collection', ...many(sizes)),
    attr('media-bottom-margin-supported', 'integer', BORDERLESS, MARGIN),
    attr('media-left-margin-supported', 'integer', BORDERLESS, MARGIN),
    attr('media-right-margin-supported', 'integer', BORDERLESS, MARGIN),
    attr('media-top-margin-supported', 'integer', BORDERLESS, MARGIN),
    attr('media-source-supported', 'keyword', 'auto'),
    attr('media-type-supported', 'keyword', 'stationery'),
    attr('multiple-document-handling-default', 'keyword', 'separate-documents-collated-copies'),
    attr(
      'multiple-document-handling-supported',
      'keyword',
      'separate-documents-uncollated-copies',
      'separate-documents-collated-copies',
    ),
    attr('number-up-default', 'integer', 1),
    attr('number-up-supported', 'integer', 1),
    attr('orientation-requested-default', 'enum', 'portrait'),
    attr(
      'orientation-requested-supported',
      'enum',
      'portrait',
      'landscape',
      'reverse-landscape',
      'reverse-portrait',
    ),
    attr('output-bin-default', 'keyword', 'face-down'),
    attr('output-bin-supported', 'keyword', 'face-down'),
    attr('page-ranges-supported', 'boolean', false),
    attr('print-color-mode-default', 'keyword', 'auto'),
    attr('print-color-mode-supported', 'keyword', ...many(COLOR_MODES)),
    attr('print-quality-default', 'enum', 'normal'),
    attr('print-quality-supported', 'enum', 'draft', 'normal', 'high'),
    attr('printer-resolution-default', 'resolution', { x: 600, y: 600, units: 'dpi' }),
    attr('printer-resolution-supported', 'resolution', ...RESOLUTIONS),
    attr('sides-default', 'keyword', 'one-sided'),
    attr('sides-supported', 'keyword', ...many(SIDES)),
    attr('ipp-attribute-fidelity-supported', 'boolean', true, false),
    // IPP Everywhere (PWG 5100.14) and AirPrint rasters, and PDF (PWG 5100.13).
    attr(
      'pdf-versions-supported',
      'keyword',
      'adobe-1.3',
      'adobe-1.4',
      'adobe-1.5',
      'adobe-1.6',
      'adobe-1.7',
      'iso-32000-1_2008',
      'iso-32000-2_2017',
    ),
    attr('pdf-k-octets-supported', 'rangeOfInteger', { lower: 0, upper: 1048576 }),
    attr('pwg-raster-document-resolution-supported', 'resolution', ...RESOLUTIONS),
    attr('pwg-raster-document-sheet-back', 'keyword', 'normal'),
    attr('pwg-raster-document-type-supported', 'keyword', 'black_1', 'sgray_8', 'srgb_8'),
    attr('urf-supported', 'keyword', 'V1.4', 'CP1', 'PQ4', 'RS300-600', 'SRGB24', 'W8', 'DM1', 'IS1'),
    attr('print-content-optimize-default', 'keyword', 'auto'),
    attr('print-content-optimize-supported', 'keyword', 'auto'),
    attr('print-scaling-default', 'keyword', 'auto'),
    attr('print-scaling-supported', 'keyword', 'auto', 'fit', 'fill', 'none'),
  ];
}

/** Attribute groups a client may ask for by name in "requested-attributes" (RFC 8011 §4.2.5.1, PWG 5100.12). */
const JOB_TEMPLATE =
  /^(copies|finishings|job-hold-until|job-priority|job-sheets|media|media-col|multiple-document-handling|number-up|orientation-requested|output-bin|page-ranges|print-color-mode|print-quality|printer-resolution|sides|print-content-optimize|print-scaling)-(default|supported|ready|database)$|^media-(ready|col-ready|col-database|size-supported|.*-margin-supported|source-supported|type-supported|col-supported)$|^pdf-|^pwg-raster-|^urf-supported$/;

/** Picks the attributes a client asked for; no list (or "all") means all. */
export function selectPrinterAttributes(
  all: IppAttribute[],
  requested: string[] | undefined,
): IppAttribute[] {
  if (!requested || requested.includes('all')) return all;
  const want = new Set(requested);
  const description = want.has('printer-description');
  const template = want.has('job-template');
  return all.filter((a) => {
    if (want.has(a.name)) return true;
    if (a.name === 'media-col-database') return false; // only when named (it is large)
    const isTemplate = JOB_TEMPLATE.test(a.name);
    return (template && isTemplate) || (description && !isTemplate);
  });
}
