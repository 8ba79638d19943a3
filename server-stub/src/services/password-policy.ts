// The default password policy of whitepaper section 3.2: 8 to 64 ASCII characters with a digit, an upper-case
// letter, a lower-case letter and one of the listed symbols. A longer password is refused, never truncated.

/**
 * The symbols section 3.2 lists, verbatim (the space is in that list). Other printable ASCII characters
 * ($ \ ] |) are allowed in a password but do not satisfy the symbol rule, as the whitepaper reads.
 */
export const PASSWORD_SYMBOLS = `!"#%&'()*+,-./:;<=>?@[^_\`{ }~`;

/** Which rule of the policy a password broke. */
export type PasswordRule =
  'too_short' | 'too_long' | 'not_ascii' | 'no_digit' | 'no_upper' | 'no_lower' | 'no_symbol';

/** The verdict on a password: ok, or the first rule it breaks with a message for the user. */
export type PasswordVerdict = { ok: true } | { ok: false; rule: PasswordRule; message: string };

/** Minimum and maximum length, in characters. */
export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 64;

/** Checks a new password against the policy. */
export function checkPassword(password: string): PasswordVerdict {
  const fail = (rule: PasswordRule, message: string): PasswordVerdict => ({ ok: false, rule, message });
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
