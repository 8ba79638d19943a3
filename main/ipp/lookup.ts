// Finding attributes in a decoded message. Duplicates are kept by the decoder in wire order; these
// helpers return the first, which is what CUPS's ippFindAttribute does as well.
import type { GroupTagValue } from './group-tags.js';
import type { IppAttribute, IppGroup, IppMessage } from './message.js';

/** The first group with this tag. */
export function findGroup(message: IppMessage, tag: GroupTagValue): IppGroup | undefined {
  return message.groups.find((g) => g.tag === tag);
}

/** The first attribute with this name, in the groups with `tag` or, without one, in any group. */
export function findAttribute(
  message: IppMessage,
  name: string,
  tag?: GroupTagValue,
): IppAttribute | undefined {
  for (const group of message.groups) {
    if (tag !== undefined && group.tag !== tag) continue;
    const found = group.attributes.find((a) => a.name === name);
    if (found) return found;
  }
  return undefined;
}

/** The first member with this name in a collection's member list. */
export function findMember(members: readonly IppAttribute[], name: string): IppAttribute | undefined {
  return members.find((m) => m.name === name);
}
