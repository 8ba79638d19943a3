// Delimiter tags (RFC 8010 §3.5.1): 0x00-0x0F. Each one but end-of-attributes opens an attribute
// group; 0x00 and 0x0B-0x0F are reserved and a decoder refuses them.

/** The delimiter tags, end-of-attributes included. */
export const DelimiterTag = {
  operation: 0x01,
  job: 0x02,
  endOfAttributes: 0x03,
  printer: 0x04,
  unsupported: 0x05,
  subscription: 0x06, // RFC 3995
  eventNotification: 0x07, // RFC 3995
  resource: 0x08, // PWG 5100.22
  document: 0x09, // PWG 5100.5
  system: 0x0a, // PWG 5100.22
} as const;

/** The tags that open an attribute group, keyed by a short name (`operation`, `printer`, ...). */
export const GroupTag = {
  operation: DelimiterTag.operation,
  job: DelimiterTag.job,
  printer: DelimiterTag.printer,
  unsupported: DelimiterTag.unsupported,
  subscription: DelimiterTag.subscription,
  eventNotification: DelimiterTag.eventNotification,
  resource: DelimiterTag.resource,
  document: DelimiterTag.document,
  system: DelimiterTag.system,
} as const;

/** The short name of a group tag, e.g. `'printer'`. */
export type GroupName = keyof typeof GroupTag;

/** A tag that opens an attribute group. */
export type GroupTagValue = (typeof GroupTag)[GroupName];

/** The registry names of the group tags (`printer-attributes-tag`), for messages and logs. */
export const GROUP_TAG_NAMES: Readonly<Record<GroupTagValue, string>> = {
  0x01: 'operation-attributes-tag',
  0x02: 'job-attributes-tag',
  0x04: 'printer-attributes-tag',
  0x05: 'unsupported-attributes-tag',
  0x06: 'subscription-attributes-tag',
  0x07: 'event-notification-attributes-tag',
  0x08: 'resource-attributes-tag',
  0x09: 'document-attributes-tag',
  0x0a: 'system-attributes-tag',
};

/** True when the octet opens a known attribute group. */
export function isGroupTag(tag: number): tag is GroupTagValue {
  return Object.prototype.hasOwnProperty.call(GROUP_TAG_NAMES, tag);
}

/** True for any octet in the delimiter range 0x00-0x0F, known or reserved. */
export function isDelimiterTag(tag: number): boolean {
  return tag >= 0x00 && tag <= 0x0f;
}
