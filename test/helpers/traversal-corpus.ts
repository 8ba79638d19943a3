// The traversal corpus for a job id in a URL path (the spooler core issue): the same list guards every server
// that takes a job id from a client (the control API, the MFP job server).

/** The path segment after `/v1/jobs/` exactly as sent on the wire (percent-encoding already applied). */
export function idCorpus(real: string): string[] {
  const rawUtf8 = (s: string) => Buffer.from(s, 'utf8').toString('latin1');
  return [
    '..',
    '.',
    '%2e%2e',
    '../canary',
    '../../canary',
    '../../../../../../../../etc/passwd',
    '..%2f..%2fcanary',
    '..%2F..%2F..%2Fetc%2Fpasswd',
    '%2e%2e%2f%2e%2e%2fcanary',
    '%2e%2e/%2e%2e/canary',
    `%2e%2e%2f${real}`,
    `..%2f${real}`,
    `.%2f${real}`,
    `%2f${real}`,
    '%252e%252e%252f%252e%252e%252fcanary',
    '%252e%252e',
    `%252e%252e%252f${real}`,
    '..\\..\\canary',
    '..\\..\\..\\Windows\\win.ini',
    `..\\${real}`,
    '..%5c..%5ccanary',
    `..%5c${real}`,
    '%2e%2e%5c%2e%2e%5ccanary',
    '%00',
    'canary%00',
    `${real}%00`,
    `${real}%00.pdf`,
    `%00${real}`,
    encodeURIComponent('％２ｅ％２ｅ／canary'),
    encodeURIComponent(`％２ｅ％２ｅ／${real}`),
    encodeURIComponent('．．／．．／canary'),
    encodeURIComponent(`．．／${real}`),
    rawUtf8('．．／canary'),
    rawUtf8(`．．／${real}`),
    'C:\\Windows\\win.ini',
    'C:%5cWindows%5cwin.ini',
    'C%3A%5CWindows%5Cwin.ini',
    '\\\\server\\share\\canary',
    '%5c%5cserver%5cshare%5ccanary',
    '%2fetc%2fpasswd',
    '/etc/passwd',
    'a'.repeat(31),
    'a'.repeat(33),
    'f'.repeat(64),
    '0'.repeat(101),
    'a'.repeat(1000),
    'a'.repeat(8000),
    'a'.repeat(20_000),
    `${real}.pdf`,
    `${real}.json`,
    `${real}.pdf.tmp`,
    `${real}.del`,
    `${real}x`,
    `${real}0`,
    `${real}%20`,
    `%20${real}`,
    `${real}%0a`,
    `${real};.pdf`,
    `${real}%2f..%2f..%2fcanary`,
    `${real}%5c..%5c..%5ccanary`,
    real.toUpperCase(),
    real.slice(1),
    `g${real.slice(1)}`,
  ];
}

/** What an id route may answer for a bad id; very long ids may also be refused by the router or Node. */
export function allowedFor(segment: string): number[] {
  if (segment.length > 16_000) return [400, 404, 414, 431];
  if (segment.length > 100) return [400, 404, 414];
  return [400, 404];
}
