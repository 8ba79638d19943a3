import type { ObjectResolver, Security } from './object-resolver.js';
import { PLAIN } from './object-resolver.js';
import { isDict, type PdfValue } from './pdf-value.js';
import { openWithEmptyPassword } from './standard-security.js';

/**
 * Decides how an encrypted file's streams can be read. Numbers and dictionaries are never encrypted
 * (PDF 32000-1 section 7.6.1), so only object streams need a decryptor; without one they are unreadable.
 */
export async function openSecurity(
  resolver: ObjectResolver,
  encrypt: PdfValue | undefined,
  id: PdfValue | undefined,
): Promise<Security> {
  if (encrypt === undefined || encrypt === null) return PLAIN;
  const dict = await resolver.resolve(encrypt);
  return { encrypted: true, decryptor: isDict(dict) ? openWithEmptyPassword(dict, id) : null };
}
