// Assembles the message from items the parser has framed: groups, attributes, 1setOf values and
// collections (RFC 8010 §3.1.2-3.1.7), with the structural rules and the count limits. Collections
// use an explicit stack, never recursion, so nesting depth costs heap, not call stack.
import { IppParseError } from './errors.js';
import { GroupTag, isGroupTag } from './group-tags.js';
import type { IppLimits } from './limits.js';
import type { IppAttribute, IppGroup, IppMessage, IppValue } from './message.js';
import { decodeValue, readUtf8 } from './value-decoder.js';
import { ValueTag } from './value-tags.js';

interface CollectionFrame {
  member: IppAttribute | null;
  members: IppAttribute[];
  /** A memberAttrName was read and its first value has not arrived (RFC 8010 §3.1.7). */
  awaitingValue: boolean;
}

/** Where one framed item sits: `data[pos]` is its tag, `at` its offset in the message. */
export interface FramedItem {
  tag: number;
  data: Buffer;
  pos: number;
  nameLength: number;
  valueLength: number;
  at: number;
}

/** Builds an IppMessage item by item and refuses any item that breaks its structure. */
export class MessageBuilder {
  private group: IppGroup | null = null;
  private attribute: IppAttribute | null = null;
  private readonly frames: CollectionFrame[] = [];
  private attributeCount = 0;
  private valueCount = 0;

  constructor(
    readonly message: IppMessage,
    private readonly limits: IppLimits,
  ) {}

  /** True once a group tag has been read: attributes may come. */
  get inGroup(): boolean {
    return this.group !== null;
  }

  /** A delimiter tag other than end-of-attributes-tag. */
  openGroup(tag: number, at: number): void {
    if (this.frames.length > 0) {
      throw new IppParseError('unterminated-collection', 'a group tag comes before endCollection', at);
    }
    if (!isGroupTag(tag)) {
      throw new IppParseError('reserved-tag', `delimiter tag 0x0${tag.toString(16)} is reserved`, at);
    }
    const groups = this.message.groups;
    // RFC 8011 §4.1.4: attributes-charset and attributes-natural-language open every request
    // and response, so the Operation Attributes group comes first, and only once.
    if (groups.length === 0 && tag !== GroupTag.operation) {
      throw new IppParseError('group-order', 'the first group is not operation-attributes-tag', at);
    }
    if (groups.length > 0 && tag === GroupTag.operation) {
      throw new IppParseError('group-order', 'operation-attributes-tag appears a second time', at);
    }
    this.group = { tag, attributes: [] };
    groups.push(this.group);
    this.attribute = null;
  }

  /** end-of-attributes-tag: every collection must be closed. */
  closeSection(at: number): void {
    if (this.frames.length > 0) {
      throw new IppParseError(
        'unterminated-collection',
        'end-of-attributes-tag comes before endCollection',
        at,
      );
    }
  }

  /** An attribute-with-one-value item whose lengths the parser has checked. */
  addItem({ tag, data, pos, nameLength, valueLength, at }: FramedItem): void {
    const valueAt = pos + 5 + nameLength;
    const valueOffset = at + 5 + nameLength;
    if (tag === ValueTag.endCollection) return this.closeCollection(nameLength, at);
    if (tag === ValueTag.memberAttrName) {
      const frame = this.memberFrame(nameLength, valueLength, at);
      return this.openMember(frame, readUtf8(data, valueAt, valueLength, valueOffset, 'a member name'), at);
    }
    const name = nameLength === 0 ? '' : readUtf8(data, pos + 3, nameLength, at + 3, 'an attribute name');
    const value = decodeValue(tag, data, valueAt, valueLength, valueOffset);
    this.addValue(this.targetFor(name, at), value, at);
    if (value.tag === ValueTag.begCollection) this.openCollection(value.value, at);
  }

  /** The attribute a value belongs to (RFC 8010 §3.1.5: an empty name adds a value). */
  private targetFor(name: string, at: number): IppAttribute {
    const frame = this.frames.at(-1);
    if (frame) {
      if (name !== '') {
        throw new IppParseError(
          'unexpected-name',
          `a value inside a collection is named "${name}"; member names go in memberAttrName (RFC 8010 §3.1.7)`,
          at,
        );
      }
      if (!frame.member) {
        throw new IppParseError('missing-name', 'a collection value comes before any memberAttrName', at);
      }
      frame.awaitingValue = false;
      return frame.member;
    }
    if (name === '') {
      if (!this.attribute) {
        throw new IppParseError('missing-name', 'the first value of an attribute has an empty name', at);
      }
      return this.attribute;
    }
    this.countAttribute(at);
    const attribute: IppAttribute = { name, values: [] };
    this.group?.attributes.push(attribute);
    this.attribute = attribute;
    return attribute;
  }

  private addValue(target: IppAttribute, value: IppValue, at: number): void {
    if (target.values.length >= this.limits.maxValuesPerAttribute) {
      throw new IppParseError(
        'too-many-values',
        `"${target.name}" has more than ${this.limits.maxValuesPerAttribute} values`,
        at,
      );
    }
    this.valueCount += 1;
    if (this.valueCount > this.limits.maxValues) {
      throw new IppParseError(
        'too-many-values',
        `the message has more than ${this.limits.maxValues} values`,
        at,
      );
    }
    target.values.push(value);
  }

  private openCollection(members: IppAttribute[], at: number): void {
    if (this.frames.length >= this.limits.maxCollectionDepth) {
      throw new IppParseError(
        'collection-too-deep',
        `collections nest deeper than ${this.limits.maxCollectionDepth} levels`,
        at,
      );
    }
    this.frames.push({ members, member: null, awaitingValue: false });
  }

  /** The collection a memberAttrName may open a member in (RFC 8010 §3.1.7), or an error. */
  private memberFrame(nameLength: number, valueLength: number, at: number): CollectionFrame {
    const frame = this.frames.at(-1);
    if (!frame) {
      throw new IppParseError('member-outside-collection', 'memberAttrName outside a collection', at);
    }
    if (nameLength !== 0) throw new IppParseError('unexpected-name', 'a memberAttrName carries a name', at);
    this.refuseMemberWithoutValue(frame, at);
    if (valueLength === 0) throw new IppParseError('missing-name', 'a memberAttrName is empty', at);
    return frame;
  }

  private openMember(frame: CollectionFrame, memberName: string, at: number): void {
    this.countAttribute(at);
    const member: IppAttribute = { name: memberName, values: [] };
    frame.members.push(member);
    frame.member = member;
    frame.awaitingValue = true;
  }

  private closeCollection(nameLength: number, at: number): void {
    const frame = this.frames.at(-1);
    if (!frame) throw new IppParseError('unbalanced-collection', 'endCollection without begCollection', at);
    if (nameLength !== 0) throw new IppParseError('unexpected-name', 'an endCollection carries a name', at);
    this.refuseMemberWithoutValue(frame, at);
    this.frames.pop();
  }

  private refuseMemberWithoutValue(frame: CollectionFrame, at: number): void {
    if (frame.awaitingValue) {
      throw new IppParseError(
        'member-without-value',
        `member "${frame.member?.name ?? ''}" has no value`,
        at,
      );
    }
  }

  private countAttribute(at: number): void {
    this.attributeCount += 1;
    if (this.attributeCount > this.limits.maxAttributes) {
      throw new IppParseError(
        'too-many-attributes',
        `the message has more than ${this.limits.maxAttributes} attributes`,
        at,
      );
    }
  }
}
