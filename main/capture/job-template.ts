// Job template attributes of Print-Job, Validate-Job and Create-Job (RFC 8011 §5.2): what we keep as the
// job's options, and what we cannot honour (returned in the unsupported group; refused when the client
// asked for "ipp-attribute-fidelity").
import { ValueTag, attr, findMember } from '../ipp/index.js';
import type { IppAttribute, IppValue } from '../ipp/index.js';
import type { JobOptions } from '../spool/job.js';
import { COLOR_MODES, MAX_COPIES, SIDES } from './printer-attributes.js';
import { mediaForSize, mediaSize } from './media.js';

/** The outcome: options to store, and attributes that were not supported. */
export interface TemplateResult {
  options: Partial<JobOptions>;
  unsupported: IppAttribute[];
}

/** Template attributes accepted and ignored when they have the single value we advertise. */
const ACCEPTED_AS_DEFAULT: Record<string, (v: IppValue) => boolean> = {
  finishings: (v) => v.tag === ValueTag.enum && v.value === 3,
  'job-hold-until': (v) => v.value === 'no-hold',
  'job-sheets': (v) => v.value === 'none',
  'number-up': (v) => v.tag === ValueTag.integer && v.value === 1,
  'job-priority': (v) => v.tag === ValueTag.integer && v.value >= 1 && v.value <= 100,
  'orientation-requested': (v) => v.tag === ValueTag.enum && v.value >= 3 && v.value <= 6,
  'print-quality': (v) => v.tag === ValueTag.enum && v.value >= 3 && v.value <= 5,
  'printer-resolution': (v) => v.tag === ValueTag.resolution,
  'output-bin': (v) => v.value === 'face-down',
  'multiple-document-handling': (v) => typeof v.value === 'string',
  'print-content-optimize': (v) => v.value === 'auto',
  'print-scaling': (v) => typeof v.value === 'string',
  'media-source': (v) => v.value === 'auto',
  'media-type': (v) => typeof v.value === 'string',
};

function unsupportedCopy(a: IppAttribute): IppAttribute {
  return { name: a.name, values: a.values };
}

function keyword(a: IppAttribute): string | undefined {
  const v = a.values[0];
  return a.values.length === 1 && v && (v.tag === ValueTag.keyword || v.tag === ValueTag.nameWithoutLanguage)
    ? (v.value as string)
    : undefined;
}

function mediaFromCollection(a: IppAttribute): string | undefined {
  const v = a.values[0];
  if (a.values.length !== 1 || !v || v.tag !== ValueTag.begCollection) return undefined;
  const members = v.value as IppAttribute[];
  const sizeAttr = findMember(members, 'media-size');
  const sizeValue = sizeAttr?.values[0];
  if (sizeValue?.tag === ValueTag.begCollection) {
    const dims = sizeValue.value as IppAttribute[];
    const x = findMember(dims, 'x-dimension')?.values[0];
    const y = findMember(dims, 'y-dimension')?.values[0];
    if (x?.tag === ValueTag.integer && y?.tag === ValueTag.integer) {
      return mediaForSize(x.value as number, y.value as number)?.keyword;
    }
    return undefined;
  }
  const name = findMember(members, 'media-size-name')?.values[0];
  if (name && typeof name.value === 'string' && mediaSize(name.value)) return name.value;
  // A media-col with only source/type keeps the default size.
  return sizeAttr ? undefined : '';
}

/** Reads the job template attributes of a request's job group. */
export function readJobTemplate(attributes: readonly IppAttribute[]): TemplateResult {
  const options: Partial<JobOptions> = {};
  const unsupported: IppAttribute[] = [];
  for (const a of attributes) {
    const first = a.values[0];
    switch (a.name) {
      case 'copies':
        if (
          a.values.length === 1 &&
          first?.tag === ValueTag.integer &&
          first.value >= 1 &&
          first.value <= MAX_COPIES
        ) {
          options.copies = first.value;
        } else unsupported.push(unsupportedCopy(a));
        break;
      case 'sides': {
        const k = keyword(a);
        if (k && (SIDES as readonly string[]).includes(k)) options.sides = k as JobOptions['sides'];
        else unsupported.push(unsupportedCopy(a));
        break;
      }
      case 'print-color-mode': {
        const k = keyword(a);
        if (k && (COLOR_MODES as readonly string[]).includes(k))
          options.colorMode = k as JobOptions['colorMode'];
        else if (k === 'bi-level' || k === 'process-monochrome') options.colorMode = 'monochrome';
        else unsupported.push(unsupportedCopy(a));
        break;
      }
      case 'media': {
        const k = keyword(a);
        if (k && mediaSize(k)) options.media = k;
        else unsupported.push(unsupportedCopy(a));
        break;
      }
      case 'media-col': {
        const m = mediaFromCollection(a);
        if (m === undefined) unsupported.push(unsupportedCopy(a));
        else if (m !== '') options.media = m;
        break;
      }
      default: {
        const check = ACCEPTED_AS_DEFAULT[a.name];
        if (check && !(a.values.length === 1 && first && check(first))) unsupported.push(unsupportedCopy(a));
        // Other job attributes (job-name lives in the operation group) are description, not template.
      }
    }
  }
  return { options, unsupported };
}

/** The "unsupported" form of an operation attribute we do not support, e.g. a "compression" we lack. */
export function unsupportedAttribute(a: IppAttribute): IppAttribute {
  return a.values.length > 0 ? unsupportedCopy(a) : attr(a.name, 'unsupported');
}
