// fast-check generators for IPP messages that our decoder must accept: every value tag (opaque
// and out-of-band ones included), multi-valued attributes, nested collections, every group tag.
import fc from 'fast-check';
import { GroupTag, isOpaqueValueTag, ValueTag } from '../../../main/ipp/index.js';
import type { IppAttribute, IppGroup, IppMessage, IppValue } from '../../../main/ipp/index.js';

// Plain objects, as decode() builds them: deepStrictEqual compares prototypes too.
const record = <T>(model: { [K in keyof T]: fc.Arbitrary<T[K]> }): fc.Arbitrary<T> =>
  fc.record(model, { noNullPrototype: true });

const asValue = <T extends IppValue>(arb: fc.Arbitrary<T>): fc.Arbitrary<IppValue> =>
  arb.map((v): IppValue => v);

// Code points across the whole Unicode range; `maxLength` counts code points (4 octets at most),
// so each bound stays under the decoder's octet limit for that tag.
const text = (maxLength: number, minLength = 0) => fc.string({ unit: 'binary', minLength, maxLength });

const int32 = fc.integer({ min: -0x80000000, max: 0x7fffffff });
const bytes = (maxLength: number) => fc.uint8Array({ maxLength }).map((b) => Buffer.from(b));

/** Tags 0x20-0xFF the codec does not interpret, so their values travel as raw bytes. */
export const OPAQUE_TAGS: number[] = Array.from({ length: 0x100 }, (_, i) => i).filter(isOpaqueValueTag);

const OUT_OF_BAND_TAGS = Array.from({ length: 16 }, (_, i) => 0x10 + i) as Array<IppValue['tag'] & number>;

const dateTime = record({
  year: fc.integer({ min: 0, max: 0xffff }),
  month: fc.integer({ min: 1, max: 12 }),
  day: fc.integer({ min: 1, max: 31 }),
  hours: fc.integer({ min: 0, max: 23 }),
  minutes: fc.integer({ min: 0, max: 59 }),
  seconds: fc.integer({ min: 0, max: 60 }),
  deciSeconds: fc.integer({ min: 0, max: 9 }),
  utcDirection: fc.constantFrom('+' as const, '-' as const),
  utcHours: fc.integer({ min: 0, max: 14 }),
  utcMinutes: fc.integer({ min: 0, max: 59 }),
});

/** One value of any tag except begCollection. */
export const scalarValue: fc.Arbitrary<IppValue> = fc.oneof(
  asValue(
    record({
      tag: fc.constantFrom(...OUT_OF_BAND_TAGS),
      value: fc.oneof(
        { weight: 4, arbitrary: fc.constant(null) },
        { weight: 1, arbitrary: bytes(8).filter((b) => b.length > 0) },
      ),
    }) as fc.Arbitrary<IppValue>,
  ),
  asValue(record({ tag: fc.constantFrom(ValueTag.integer, ValueTag.enum), value: int32 })),
  asValue(record({ tag: fc.constant(ValueTag.boolean), value: fc.boolean() })),
  asValue(record({ tag: fc.constant(ValueTag.octetString), value: bytes(64) })),
  asValue(record({ tag: fc.constant(ValueTag.dateTime), value: dateTime })),
  asValue(
    record({
      tag: fc.constant(ValueTag.resolution),
      value: record({ x: int32, y: int32, units: fc.constantFrom('dpi' as const, 'dpcm' as const) }),
    }),
  ),
  asValue(
    record({ tag: fc.constant(ValueTag.rangeOfInteger), value: record({ lower: int32, upper: int32 }) }),
  ),
  asValue(
    record({
      tag: fc.constantFrom(ValueTag.textWithLanguage, ValueTag.nameWithLanguage),
      value: record({ lang: text(15), text: text(60) }),
    }),
  ),
  asValue(
    record({
      tag: fc.constantFrom(ValueTag.textWithoutLanguage, ValueTag.nameWithoutLanguage),
      value: text(60),
    }),
  ),
  asValue(
    record({ tag: fc.constantFrom(ValueTag.keyword, ValueTag.uri, ValueTag.mimeMediaType), value: text(60) }),
  ),
  asValue(
    record({
      tag: fc.constantFrom(ValueTag.uriScheme, ValueTag.charset, ValueTag.naturalLanguage),
      value: text(15),
    }),
  ),
  asValue(record({ tag: fc.constantFrom(...OPAQUE_TAGS), value: bytes(64) }) as fc.Arbitrary<IppValue>),
);

const attributeName = text(30, 1);

const tree = fc.letrec<{ value: IppValue; attribute: IppAttribute }>((tie) => ({
  value: fc.oneof(
    { maxDepth: 3, depthSize: 'small' },
    scalarValue,
    asValue(
      record({
        tag: fc.constant(ValueTag.begCollection),
        value: fc.array(tie('attribute'), { maxLength: 4 }),
      }),
    ),
  ),
  attribute: record({ name: attributeName, values: fc.array(tie('value'), { minLength: 1, maxLength: 4 }) }),
}));

/** An attribute whose values may be collections nested up to three deep. */
export const attribute: fc.Arbitrary<IppAttribute> = tree.attribute;

const group = (tag: IppGroup['tag']): fc.Arbitrary<IppGroup> =>
  record({ tag: fc.constant(tag), attributes: fc.array(attribute, { maxLength: 5 }) });

const laterGroupTag = fc.constantFrom(
  GroupTag.job,
  GroupTag.printer,
  GroupTag.unsupported,
  GroupTag.subscription,
  GroupTag.eventNotification,
  GroupTag.resource,
  GroupTag.document,
  GroupTag.system,
);

/** A whole message: the operation group first, then any groups, repeated tags included. */
export const message: fc.Arbitrary<IppMessage> = record({
  version: record({ major: fc.integer({ min: 0, max: 255 }), minor: fc.integer({ min: 0, max: 255 }) }),
  operationIdOrStatus: fc.integer({ min: 0, max: 0xffff }),
  requestId: int32,
  groups: fc
    .tuple(group(GroupTag.operation), fc.array(laterGroupTag.chain(group), { maxLength: 4 }))
    .map(([first, rest]) => [first, ...rest]),
});
