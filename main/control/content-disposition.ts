// Content-Disposition for a stored document: the job name is data from an application, so it is reduced to
// safe ASCII for `filename` and percent-encoded for `filename*` (RFC 6266, RFC 8187).

const ATTR_CHAR = /[A-Za-z0-9!#$&+\-.^_`|~]/;

function encodeRfc8187(value: string): string {
  // Buffer.from replaces lone surrogates with U+FFFD, where encodeURIComponent would throw.
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += byte < 0x80 && ATTR_CHAR.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Builds an `attachment` Content-Disposition for a job name. */
export function contentDisposition(name: string): string {
  const base = name.replace(/\.pdf$/i, '').slice(0, 200);
  const ascii = base.replace(/[^\x20-\x7e]|["\\%;/]/g, '_') || 'document';
  return `attachment; filename="${ascii}.pdf"; filename*=UTF-8''${encodeRfc8187(`${base || 'document'}.pdf`)}`;
}
