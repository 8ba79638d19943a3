// The password rules, in two modes. `whitepaper` (the default) is section 3.2 of the whitepaper: 8 to 64
// ASCII characters with a digit, an upper-case letter, a lower-case letter and one of the listed symbols.
// `asvs` is the stricter mode a root provider may switch its tree to, after OWASP ASVS 5.0 V6.2: at least 15
// characters (6.2.1's recommendation), at most 128, any Unicode but control characters, no composition rules
// (6.2.5), not a common password (6.2.4) and not containing the username. In both modes a password over the
// maximum is refused, never truncated.
import { createRequire } from 'node:module';
import type { PasswordMode } from '../schemas/organization-policies.js';

/**
 * The symbols section 3.2 lists, verbatim (the space is in that list). Other printable ASCII characters
 * ($ \ ] |) are allowed in a password but do not satisfy the symbol rule, as the whitepaper reads.
 */
export const PASSWORD_SYMBOLS = `!"#%&'()*+,-./:;<=>?@[^_\`{ }~`;

/** Which rule of the policy a password broke. */
export type PasswordRule =
  | 'too_short'
  | 'too_long'
  | 'not_ascii'
  | 'no_digit'
  | 'no_upper'
  | 'no_lower'
  | 'no_symbol'
  | 'invalid_character'
  | 'common_password'
  | 'contains_username';

/** The verdict on a password: ok, or the first rule it breaks with a message for the user. */
export type PasswordVerdict = { ok: true } | { ok: false; rule: PasswordRule; message: string };

/** Minimum and maximum length of the whitepaper mode, in characters. */
export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 64;

/** Minimum and maximum length of the ASVS mode, in Unicode code points after NFC normalization. */
export const ASVS_MIN_LENGTH = 15;
export const ASVS_MAX_LENGTH = 128;

/** A username shorter than this is not looked for inside the password (a one-letter name would refuse most). */
export const USERNAME_CHECK_MIN_LENGTH = 3;

/** What a check needs besides the password. */
export interface PasswordCheckOptions {
  /** The rules to apply; `whitepaper` when left out. */
  mode?: PasswordMode | undefined;
  /** The account's login name: the ASVS mode refuses a password that contains it. */
  username?: string | undefined;
}

const fail = (rule: PasswordRule, message: string): PasswordVerdict => ({ ok: false, rule, message });

/** Checks a new password against the rules of a mode (the whitepaper's by default). */
export function checkPassword(password: string, options: PasswordCheckOptions = {}): PasswordVerdict {
  return options.mode === 'asvs' ? checkAsvs(password, options.username) : checkWhitepaper(password);
}

function checkWhitepaper(password: string): PasswordVerdict {
  // Printable ASCII only: the whitepaper allows English letters, digits and its symbols.
  if (!/^[\x20-\x7e]*$/.test(password)) {
    return fail('not_ascii', 'The password may contain only English letters, digits and the listed symbols.');
  }
  if (password.length < PASSWORD_MIN_LENGTH) {
    return fail('too_short', `The password must have at least ${PASSWORD_MIN_LENGTH} characters.`);
  }
  if (password.length > PASSWORD_MAX_LENGTH) {
    return fail('too_long', `The password must have at most ${PASSWORD_MAX_LENGTH} characters.`);
  }
  if (!/[0-9]/.test(password)) return fail('no_digit', 'The password must contain a digit (0-9).');
  if (!/[A-Z]/.test(password))
    return fail('no_upper', 'The password must contain an upper-case letter (A-Z).');
  if (!/[a-z]/.test(password))
    return fail('no_lower', 'The password must contain a lower-case letter (a-z).');
  if (![...password].some((c) => PASSWORD_SYMBOLS.includes(c))) {
    return fail('no_symbol', `The password must contain one of these symbols: ${PASSWORD_SYMBOLS}`);
  }
  return { ok: true };
}

function checkAsvs(password: string, username: string | undefined): PasswordVerdict {
  // Control characters (C0, DEL, C1) cannot be typed reliably; a lone surrogate is not a character at all
  // and would reach the hash as U+FFFD, so two different inputs would match.
  if (/\p{Cc}/u.test(password)) {
    return fail(
      'invalid_character',
      'The password may not contain control characters such as tabs or line breaks.',
    );
  }
  if (/\p{Cs}/u.test(password)) {
    return fail('invalid_character', 'The password contains an invalid character; type it again.');
  }
  // Length counts characters as a person sees them typed: code points after NFC, so "é" typed as e + accent
  // counts once, and an emoji outside the BMP counts once rather than as two UTF-16 units.
  const normalized = password.normalize('NFC');
  const length = [...normalized].length;
  if (length < ASVS_MIN_LENGTH) {
    return fail(
      'too_short',
      `The password must have at least ${ASVS_MIN_LENGTH} characters; a few unrelated words with spaces make a good one.`,
    );
  }
  if (length > ASVS_MAX_LENGTH) {
    return fail('too_long', `The password must have at most ${ASVS_MAX_LENGTH} characters.`);
  }
  const folded = normalized.toLowerCase();
  if (isCommonPassword(folded)) {
    return fail(
      'common_password',
      'This password is on a list of commonly used passwords; choose one that is harder to guess.',
    );
  }
  if (username && username.length >= USERNAME_CHECK_MIN_LENGTH && folded.includes(username.toLowerCase())) {
    return fail('contains_username', 'The password may not contain the username.');
  }
  return { ok: true };
}

let commonPasswords: ReadonlySet<string> | undefined;

/**
 * The common-password list, loaded on first use and kept: the 49,000-entry list of @zxcvbn-ts/language-common
 * (MIT), NFC-normalized and lower-cased so the check is case-insensitive. Servers in the whitepaper mode
 * never load it.
 */
export function commonPasswordList(): ReadonlySet<string> {
  if (!commonPasswords) {
    const require = createRequire(import.meta.url);
    const { dictionary } = require('@zxcvbn-ts/language-common') as {
      dictionary: { 'passwords-common': readonly string[] };
    };
    commonPasswords = new Set(dictionary['passwords-common'].map((p) => p.normalize('NFC').toLowerCase()));
  }
  return commonPasswords;
}

/** True when the password (any case) is on the common-password list. */
export function isCommonPassword(password: string): boolean {
  return commonPasswordList().has(password.normalize('NFC').toLowerCase());
}
