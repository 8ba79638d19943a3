import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkPassword, PASSWORD_SYMBOLS } from '../../../server-stub/src/services/password-policy.js';
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
