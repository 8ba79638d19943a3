// Reading operation and job attributes of a decoded request, with the syntax checks RFC 8011 asks for.
import { ValueTag } from '../ipp/index.js';
import type { IppAttribute, IppGroup, IppValue } from '../ipp/index.js';

/** An attribute a client sent with the wrong syntax or an unusable value: the request is refused. */
export class BadAttributeError extends Error {
  constructor(
    readonly attribute: IppAttribute,
    readonly status: 'client-error-bad-request' | 'client-error-attributes-or-values-not-supported',
    message: string,
  ) {
    super(message);
  }
}

const STRING_TAGS: readonly number[] = [
  ValueTag.textWithoutLanguage,
  ValueTag.nameWithoutLanguage,
  ValueTag.keyword,
  ValueTag.uri,
  ValueTag.uriScheme,
  ValueTag.charset,
  ValueTag.naturalLanguage,
  ValueTag.mimeMediaType,
];

/** The text of a string-like value (with or without language), or undefined. */
export function valueText(v: IppValue): string | undefined {
  if (STRING_TAGS.includes(v.tag) && typeof v.value === 'string') return v.value;
  if ((v.tag === ValueTag.textWithLanguage || v.tag === ValueTag.nameWithLanguage) && v.value) {
    return (v.value as { text: string }).text;
  }
  return undefined;
}

/** Lookup of the attributes of one group by name (first wins, as in CUPS). */
export class AttributeBag {
  private readonly byName = new Map<string, IppAttribute>();
  constructor(group: IppGroup | undefined) {
    for (const a of group?.attributes ?? []) if (!this.byName.has(a.name)) this.byName.set(a.name, a);
  }
  get(name: string): IppAttribute | undefined {
    return this.byName.get(name);
  }
  has(name: string): boolean {
    return this.byName.has(name);
  }
  all(): IppAttribute[] {
    return [...this.byName.values()];
  }

  /** A single value of one of `tags`; wrong syntax or several values is a bad request. */
  private single(name: string, tags: readonly number[], what: string): IppValue | undefined {
    const a = this.byName.get(name);
    if (!a) return undefined;
    const v = a.values[0];
    if (a.values.length !== 1 || !v || !tags.includes(v.tag)) {
      throw new BadAttributeError(a, 'client-error-bad-request', `"${name}" must be a single ${what}.`);
    }
    return v;
  }

  text(name: string, tags: readonly number[]): string | undefined {
    const v = this.single(name, tags, 'string');
    return v ? valueText(v) : undefined;
  }

  integer(name: string, tag: number = ValueTag.integer): number | undefined {
    const v = this.single(name, [tag], tag === ValueTag.enum ? 'enum' : 'integer');
    return v ? (v.value as number) : undefined;
  }

  boolean(name: string): boolean | undefined {
    const v = this.single(name, [ValueTag.boolean], 'boolean');
    return v ? (v.value as boolean) : undefined;
  }

  /** Every value as a keyword (1setOf keyword); wrong syntax is a bad request. */
  keywords(name: string): string[] | undefined {
    const a = this.byName.get(name);
    if (!a) return undefined;
    return a.values.map((v) => {
      if (v.tag !== ValueTag.keyword || typeof v.value !== 'string') {
        throw new BadAttributeError(a, 'client-error-bad-request', `"${name}" must be keywords.`);
      }
      return v.value;
    });
  }
}

/** Name-ish tags: "requesting-user-name", "job-name", "document-name". */
export const NAME_TAGS: readonly number[] = [ValueTag.nameWithoutLanguage, ValueTag.nameWithLanguage];
