// Builders for the model, so a handler writes
//   attr('printer-name', 'nameWithoutLanguage', 'Cloud Print and Scan')
//   attr('printer-state', 'enum', 'idle')
//   attr('media-col-default', 'collection', [attr('media-type', 'keyword', 'stationery')])
// instead of spelling out tags and value objects.
import { dateTimeFromDate } from './date-time.js';
import { enumValue } from './enums.js';
import { IppEncodeError } from './errors.js';
import { GroupTag, type GroupName } from './group-tags.js';
import type {
  IppAttribute,
  IppDateTime,
  IppGroup,
  IppRange,
  IppResolution,
  IppStringWithLanguage,
  IppValue,
} from './message.js';
import { ValueTag } from './value-tags.js';

/** What each syntax takes as input in attr(); enums take a keyword of the attribute or a number. */
export interface SyntaxInput {
  integer: number;
  boolean: boolean;
  enum: number | string;
  octetString: Uint8Array | string;
  dateTime: IppDateTime | Date;
  resolution: IppResolution;
  rangeOfInteger: IppRange;
  collection: IppAttribute[];
  textWithLanguage: IppStringWithLanguage;
  nameWithLanguage: IppStringWithLanguage;
  textWithoutLanguage: string;
  nameWithoutLanguage: string;
  keyword: string;
  uri: string;
  uriScheme: string;
  charset: string;
  naturalLanguage: string;
  mimeMediaType: string;
}

/** The out-of-band syntaxes (RFC 8011 §5.1.1): no value of their own. */
export type OutOfBandSyntax =
  'unsupported' | 'default' | 'unknown' | 'noValue' | 'notSettable' | 'deleteAttribute' | 'adminDefine';

/** A syntax name accepted by attr(). */
export type Syntax = keyof SyntaxInput | OutOfBandSyntax;

type Values<S extends Syntax> = S extends keyof SyntaxInput ? [SyntaxInput[S], ...SyntaxInput[S][]] : [];

/** Builds an attribute of one syntax with one or more values (none for an out-of-band syntax). */
export function attr<S extends Syntax>(name: string, syntax: S, ...values: Values<S>): IppAttribute {
  if (isOutOfBand(syntax)) return { name, values: [{ tag: ValueTag[syntax], value: null }] };
  if (values.length === 0)
    throw new IppEncodeError('empty-attribute', 'an attribute needs at least one value', name);
  return { name, values: (values as unknown[]).map((value) => toValue(name, syntax, value)) };
}

/** Builds an attribute group, e.g. group('printer', [attr(...), ...]). */
export function group(name: GroupName, attributes: IppAttribute[]): IppGroup {
  return { tag: GroupTag[name], attributes };
}

/** The two attributes that open every operation group (RFC 8011 §4.1.4). */
export function charsetAndLanguage(naturalLanguage = 'en'): IppAttribute[] {
  return [
    attr('attributes-charset', 'charset', 'utf-8'),
    attr('attributes-natural-language', 'naturalLanguage', naturalLanguage),
  ];
}

function isOutOfBand(syntax: Syntax): syntax is OutOfBandSyntax {
  return !(syntax in SYNTAX_IS_TYPED);
}

const SYNTAX_IS_TYPED: Readonly<Record<keyof SyntaxInput, true>> = {
  integer: true,
  boolean: true,
  enum: true,
  octetString: true,
  dateTime: true,
  resolution: true,
  rangeOfInteger: true,
  collection: true,
  textWithLanguage: true,
  nameWithLanguage: true,
  textWithoutLanguage: true,
  nameWithoutLanguage: true,
  keyword: true,
  uri: true,
  uriScheme: true,
  charset: true,
  naturalLanguage: true,
  mimeMediaType: true,
};

function toValue(name: string, syntax: keyof SyntaxInput, input: unknown): IppValue {
  switch (syntax) {
    case 'enum': {
      if (typeof input === 'number') return { tag: ValueTag.enum, value: input };
      const number = enumValue(name, String(input));
      if (number === undefined) {
        throw new IppEncodeError('unknown-enum', `"${String(input)}" is not a known value of ${name}`, name);
      }
      return { tag: ValueTag.enum, value: number };
    }
    case 'octetString':
      return {
        tag: ValueTag.octetString,
        value: typeof input === 'string' ? Buffer.from(input, 'utf8') : Buffer.from(input as Uint8Array),
      };
    case 'dateTime':
      return {
        tag: ValueTag.dateTime,
        value: input instanceof Date ? dateTimeFromDate(input) : (input as IppDateTime),
      };
    case 'collection':
      return { tag: ValueTag.begCollection, value: input as IppAttribute[] };
    default:
      // The remaining syntaxes take their input as the value itself; encode() checks the type.
      return { tag: ValueTag[syntax], value: input } as IppValue;
  }
}
