// The subset of PDF objects (PDF 32000-1 section 7.3) the inspector needs. Dictionaries are Maps keyed by the
// name without its slash; streams are dictionaries whose data position is kept next to them.

/** A PDF name such as `/Type`, stored without the slash and with `#xx` escapes decoded. */
export class PdfName {
  constructor(readonly name: string) {}
}

/** A PDF string (literal or hex), kept as raw bytes: only /ID and encryption entries are ever read. */
export class PdfString {
  constructor(readonly bytes: Buffer) {}
}

/** An indirect reference `num gen R`. */
export class PdfRef {
  constructor(
    readonly num: number,
    readonly gen: number,
  ) {}
}

/** A PDF dictionary, keyed by name without the slash. */
export type PdfDict = Map<string, PdfValue>;

/** Any direct PDF value. */
export type PdfValue = number | boolean | null | PdfName | PdfString | PdfRef | PdfDict | PdfValue[];

/** True when `value` is a dictionary. */
export function isDict(value: PdfValue | undefined): value is PdfDict {
  return value instanceof Map;
}

/** The name stored in `value`, or undefined when it is not a name. */
export function nameOf(value: PdfValue | undefined): string | undefined {
  return value instanceof PdfName ? value.name : undefined;
}

/** `value` when it is a non-negative safe integer, else undefined. */
export function nonNegativeInt(value: PdfValue | undefined): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}
