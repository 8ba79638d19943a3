import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  checkPassword,
  commonPasswordList,
  PASSWORD_SYMBOLS,
} from '../../../server-stub/src/services/password-policy.js';
import type { PasswordRule } from '../../../server-stub/src/services/password-policy.js';

const ruleOf = (pw: string): PasswordRule | 'ok' => {
  const v = checkPassword(pw);
  return v.ok ? 'ok' : v.rule;
};

describe('password policy (whitepaper 3.2)', () => {
  it('accepts a password with a digit, an upper, a lower and a listed symbol', () => {
    assert.equal(ruleOf('Abcdef1!'), 'ok');
  });

  it('refuses 7 characters and accepts 8', () => {
    assert.equal(ruleOf('Abcde1!'), 'too_short');
    assert.equal(ruleOf('Abcdef1!'), 'ok');
  });

  it('accepts 64 characters and refuses the 65th instead of truncating', () => {
    const at64 = 'Aa1!' + 'x'.repeat(60);
    assert.equal(at64.length, 64);
    assert.equal(ruleOf(at64), 'ok');
    assert.equal(ruleOf(at64 + 'x'), 'too_long');
  });

  it('names each missing character class', () => {
    assert.equal(ruleOf('Abcdefg!'), 'no_digit');
    assert.equal(ruleOf('abcdef1!'), 'no_upper');
    assert.equal(ruleOf('ABCDEF1!'), 'no_lower');
    assert.equal(ruleOf('Abcdefg1'), 'no_symbol');
  });

  it('says in the message which rule failed', () => {
    const v = checkPassword('Abcdefg1');
    assert.equal(v.ok, false);
    assert.match(v.ok ? '' : v.message, /symbols/);
    const short = checkPassword('Ab1!');
    assert.match(short.ok ? '' : short.message, /at least 8 characters/);
  });

  it('refuses non-ASCII letters, even when every class is present', () => {
    assert.equal(ruleOf('Äbcdef1!'), 'not_ascii');
    assert.equal(ruleOf('Abcdef1!ü'), 'not_ascii');
    assert.equal(ruleOf('Abcdef1!ひ'), 'not_ascii');
    assert.equal(ruleOf('Abcdef1!\n'), 'not_ascii');
  });

  it('counts every listed symbol as a symbol', () => {
    for (const symbol of PASSWORD_SYMBOLS) assert.equal(ruleOf(`Abcdef1${symbol}`), 'ok', `symbol ${symbol}`);
  });

  it('allows other printable ASCII characters but does not count them as the symbol', () => {
    assert.equal(ruleOf('Abcdef1$'), 'no_symbol');
    assert.equal(ruleOf('Abcdef1$!'), 'ok');
  });
});

describe('password policy, ASVS mode (ASVS 5.0 V6.2)', () => {
  const asvs = (pw: string, username?: string): PasswordRule | 'ok' => {
    const v = checkPassword(pw, { mode: 'asvs', username });
    return v.ok ? 'ok' : v.rule;
  };

  it('refuses 14 characters and accepts 15, with no composition rules', () => {
    assert.equal(asvs('velvet-ocean-4'), 'too_short');
    assert.equal(asvs('velvet-ocean-42'), 'ok');
    assert.equal(asvs('only lower case words'), 'ok');
    assert.equal(asvs('Abcdef1!'), 'too_short', 'a whitepaper password is too short here');
    const short = checkPassword('velvet-ocean-4', { mode: 'asvs' });
    assert.match(short.ok ? '' : short.message, /at least 15 characters/);
  });

  it('counts code points after NFC normalization, not UTF-16 units', () => {
    // "é" typed as e + combining accent is one character after NFC.
    assert.equal(asvs('cafe\u0301-au-lait-xy'), 'ok');
    assert.equal(asvs('cafe\u0301-au-lait-x'), 'too_short');
    // An emoji outside the BMP is one character, though two UTF-16 units.
    assert.equal(asvs('🐱'.repeat(14)), 'too_short');
    assert.equal(asvs('🐱'.repeat(15)), 'ok');
  });

  it('accepts 128 characters and refuses the 129th', () => {
    const at128 = 'a quiet harbour at dusk '.repeat(6).slice(0, 128);
    assert.equal([...at128].length, 128);
    assert.equal(asvs(at128), 'ok');
    assert.equal(asvs(at128 + 'x'), 'too_long');
    assert.equal(asvs('ü'.repeat(128)), 'ok', 'the limit is in characters, not bytes');
  });

  it('allows any Unicode text but refuses control characters and lone surrogates', () => {
    assert.equal(asvs('Grüße aus München!'), 'ok');
    assert.equal(asvs('日本語のパスワードです安全第一'), 'ok');
    assert.equal(asvs('  leading and trailing spaces  '), 'ok');
    for (const control of ['\t', '\n', '\u0000', '\u007f', '\u0085']) {
      assert.equal(asvs(`a long passphrase${control}here`), 'invalid_character', JSON.stringify(control));
    }
    assert.equal(asvs('a long passphrase \ud800 here'), 'invalid_character');
  });

  it('refuses a password of the common-password list in any case', () => {
    assert.ok(commonPasswordList().size >= 3000, `${commonPasswordList().size} entries`);
    assert.equal(asvs('passwordpassword'), 'common_password');
    assert.equal(asvs('PasswordPassword'), 'common_password');
    assert.equal(asvs('QWERTY123456789'), 'common_password');
    assert.equal(asvs('1qaz2wsx3edc4rfv'), 'common_password');
    const v = checkPassword('PasswordPassword', { mode: 'asvs' });
    assert.match(v.ok ? '' : v.message, /commonly used/);
  });

  it('refuses a password that contains the username, in any case', () => {
    assert.equal(asvs('hello Maria.Rossi, welcome', 'maria.rossi'), 'contains_username');
    assert.equal(asvs('hello MARIA.ROSSI, welcome', 'Maria.Rossi'), 'contains_username');
    assert.equal(asvs('hello maria, welcome back', 'maria.rossi'), 'ok');
    // A one- or two-letter login name would refuse nearly every password: it is not looked for.
    assert.equal(asvs('a passphrase with many letters', 'a'), 'ok');
  });

  it('keeps the whitepaper rules as the default mode, without the username rule', () => {
    assert.equal(ruleOf('correct horse battery staple'), 'no_digit');
    assert.equal(checkPassword('correct horse battery staple', { mode: 'whitepaper' }).ok, false);
    assert.equal(checkPassword('Abcdef1!', { username: 'Abcdef' }).ok, true);
    assert.equal(checkPassword('Abcdef1!', { mode: undefined }).ok, true);
  });
});
