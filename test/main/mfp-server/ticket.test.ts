// Ticket verification vectors (issue 5): every way a ticket can be wrong is refused the same way (null, which
// the server answers with one 401 body), and the server's signer and this verifier agree on the contract.
import assert from 'node:assert/strict';
import { generateKeyPairSync, sign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { describe, it } from 'node:test';
import { MAX_TICKET_LENGTH, createTicketVerifier, keyIdOf } from '../../../main/mfp-server/ticket.js';
import type { TicketTrust } from '../../../main/mfp-server/ticket.js';
import { createTicketSigner } from '../../../server-stub/src/services/ticket-signer.js';
import { tempDir } from '../../helpers/temp-dir.js';

const NOW = Date.UTC(2026, 4, 1, 12, 0, 0);
const T = Math.floor(NOW / 1000);
const JOB_A = '0190f0e0a0b00000a1b2c3d4e5f60718';
const JOB_B = '0190f0e0a0b00001a1b2c3d4e5f60718';

interface TestKey {
  privateKey: KeyObject;
  raw: string;
  kid: string;
}

function newKey(): TestKey {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const raw = String(publicKey.export({ format: 'jwk' }).x);
  return { privateKey, raw, kid: keyIdOf(Buffer.from(raw, 'base64url')) };
}

const trusted = newKey();
const stranger = newKey();

/** A ticket made by hand, so that any field can be wrong. */
function forge(payload: Record<string, unknown>, key: TestKey = trusted): string {
  const head = Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
  return `${head}.${sign(null, Buffer.from(head, 'ascii'), key.privateKey).toString('base64url')}`;
}

function claims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    v: 1,
    typ: 'cps-mfp-ticket',
    kid: trusted.kid,
    desk: 'desk-1',
    mfp: 'mfp-9',
    sub: 'user-a',
    iat: T - 10,
    exp: T + 110,
    ...overrides,
  };
}

function verifierFor(
  trust: TicketTrust | null = { keys: [trusted.raw], deskId: 'desk-1', userId: 'user-a' },
) {
  return createTicketVerifier({ getTrust: () => trust, now: () => NOW });
}

const bearer = (ticket: string) => `Bearer ${ticket}`;

describe('MFP ticket verification', () => {
  it('accepts a valid ticket and grants its user, its MFP and its expiry', () => {
    const grant = verifierFor().verify(bearer(forge(claims())));
    assert.deepEqual(grant, { sub: 'user-a', mfp: 'mfp-9', jobs: null, exp: T + 110 });
  });

  it('limits the grant to the jobs the ticket names', () => {
    const grant = verifierFor().verify(bearer(forge(claims({ jobs: [JOB_A] }))));
    assert.deepEqual(grant?.jobs, new Set([JOB_A]));
    assert.equal(grant?.jobs?.has(JOB_B), false);
  });

  it('allows 30 seconds of clock skew either way, and no more', () => {
    const v = verifierFor();
    assert.ok(v.verify(bearer(forge(claims({ iat: T - 100, exp: T - 29 })))), 'expired 29 s ago: skew');
    assert.equal(v.verify(bearer(forge(claims({ iat: T - 100, exp: T - 30 })))), null, 'expired 30 s ago');
    assert.equal(v.verify(bearer(forge(claims({ iat: T - 300, exp: T - 200 })))), null, 'long expired');
    assert.ok(v.verify(bearer(forge(claims({ iat: T + 30, exp: T + 90 })))), 'issued 30 s ahead: skew');
    assert.equal(v.verify(bearer(forge(claims({ iat: T + 31, exp: T + 90 })))), null, 'issued in the future');
  });

  it('refuses a lifetime over 300 seconds, or none at all', () => {
    const v = verifierFor();
    assert.ok(v.verify(bearer(forge(claims({ iat: T - 10, exp: T + 290 })))), '300 s');
    assert.equal(v.verify(bearer(forge(claims({ iat: T - 10, exp: T + 291 })))), null, '301 s');
    assert.equal(v.verify(bearer(forge(claims({ iat: T, exp: T })))), null, 'exp = iat');
    assert.equal(v.verify(bearer(forge(claims({ iat: T + 5, exp: T + 1 })))), null, 'exp before iat');
  });

  it('refuses a kid it does not trust, and a trusted kid signed by another key', () => {
    const v = verifierFor();
    assert.equal(v.verify(bearer(forge(claims({ kid: stranger.kid }), stranger))), null, 'a stranger');
    assert.equal(v.verify(bearer(forge(claims({ kid: trusted.kid }), stranger))), null, 'a forged signature');
    assert.equal(v.verify(bearer(forge(claims({ kid: stranger.kid }), trusted))), null, 'the wrong kid');
  });

  it('trusts every key it is given (key rotation)', () => {
    const v = verifierFor({ keys: [trusted.raw, stranger.raw], deskId: 'desk-1', userId: 'user-a' });
    assert.ok(v.verify(bearer(forge(claims({ kid: stranger.kid }), stranger))));
    assert.ok(v.verify(bearer(forge(claims()))));
  });

  it('refuses a changed signature byte and a changed payload byte', () => {
    const v = verifierFor();
    const ticket = forge(claims());
    const [head = '', sig = ''] = ticket.split('.');
    const sigBytes = Buffer.from(sig, 'base64url');
    sigBytes[10] = (sigBytes[10] as number) ^ 0x01;
    assert.equal(v.verify(bearer(`${head}.${sigBytes.toString('base64url')}`)), null, 'signature');
    const payload = Buffer.from(head, 'base64url');
    // "user-a" -> "user-b": still a well-formed payload, only the signature can tell.
    const at = payload.indexOf('user-a') + 5;
    payload[at] = 'b'.charCodeAt(0);
    assert.equal(v.verify(bearer(`${payload.toString('base64url')}.${sig}`)), null, 'payload');
    assert.ok(v.verify(bearer(ticket)), 'the original still verifies');
  });

  it('checks a ticket it verified before against the trust and the clock on every use', () => {
    let now = NOW;
    const base: TicketTrust = { keys: [trusted.raw, stranger.raw], deskId: 'desk-1', userId: 'user-a' };
    let trust: TicketTrust | null = base;
    const v = createTicketVerifier({ getTrust: () => trust, now: () => now });
    const ticket = forge(claims({ jobs: [JOB_A] }));
    const grant = v.verify(bearer(ticket));
    assert.ok(grant);
    assert.deepEqual(v.verify(bearer(ticket)), grant, 'the same grant again');
    const [head = '', sig = ''] = ticket.split('.');
    const sigBytes = Buffer.from(sig, 'base64url');
    sigBytes[63] = (sigBytes[63] as number) ^ 0x01;
    assert.equal(v.verify(bearer(`${head}.${sigBytes.toString('base64url')}`)), null, 'a changed signature');
    const refusals: Array<[string, TicketTrust | null]> = [
      ['nobody logged in', null],
      ['another user logged in', { ...base, userId: 'user-b' }],
      ['another desktop id', { ...base, deskId: 'desk-2' }],
      ['its key no longer trusted', { ...base, keys: [stranger.raw] }],
    ];
    for (const [what, changed] of refusals) {
      trust = changed;
      assert.equal(v.verify(bearer(ticket)), null, what);
    }
    trust = base;
    assert.deepEqual(v.verify(bearer(ticket)), grant, 'valid again with the trust back');
    now = NOW + 139_000;
    assert.ok(v.verify(bearer(ticket)), 'one second before the end of the skew');
    now = NOW + 140_000;
    assert.equal(v.verify(bearer(ticket)), null, 'expired');
  });

  it('refuses a ticket for another desktop or another user, and every ticket while nobody is logged in', () => {
    assert.equal(verifierFor().verify(bearer(forge(claims({ desk: 'desk-2' })))), null, 'another desktop');
    assert.equal(verifierFor().verify(bearer(forge(claims({ sub: 'user-b' })))), null, 'another user');
    assert.equal(verifierFor(null).verify(bearer(forge(claims()))), null, 'nobody logged in');
    const other = verifierFor({ keys: [trusted.raw], deskId: 'desk-1', userId: 'user-b' });
    assert.equal(other.verify(bearer(forge(claims()))), null, 'a new user logged in here');
  });

  it('refuses payloads that are not exactly the contract', () => {
    const v = verifierFor();
    const bad: Array<[string, Record<string, unknown>]> = [
      ['version 2', claims({ v: 2 })],
      ['version as text', claims({ v: '1' })],
      ['another type', claims({ typ: 'jwt' })],
      ['an unknown field', claims({ admin: true })],
      ['no sub', { ...claims(), sub: undefined }],
      ['a numeric sub', claims({ sub: 42 })],
      ['an empty desk', claims({ desk: '' })],
      ['a path in sub', claims({ sub: '../user-a' })],
      ['jobs not an array', claims({ jobs: JOB_A })],
      ['a job that is not a job id', claims({ jobs: [JOB_A, '../etc/passwd'] })],
      ['a fractional exp', claims({ exp: T + 10.5 })],
      ['exp as text', claims({ exp: String(T + 10) })],
    ];
    for (const [what, payload] of bad) assert.equal(v.verify(bearer(forge(payload))), null, what);
    const array = Buffer.from('[1,2]').toString('base64url');
    const sig = sign(null, Buffer.from(array, 'ascii'), trusted.privateKey).toString('base64url');
    assert.equal(v.verify(bearer(`${array}.${sig}`)), null, 'a JSON array');
  });

  it('refuses garbage, other schemes, non-canonical base64url and oversized tokens', () => {
    const v = verifierFor();
    const good = forge(claims());
    const [head = '', sig = ''] = good.split('.');
    const huge = forge(
      claims({ jobs: Array.from({ length: 120 }, (_, i) => i.toString(16).padStart(32, '0')) }),
    );
    assert.ok(huge.length > MAX_TICKET_LENGTH, 'the oversized ticket is over the limit');
    const headers: Array<string | undefined> = [
      undefined,
      '',
      'Bearer',
      'Bearer ',
      good,
      `Basic ${good}`,
      `Bearer ${good} extra`,
      `Bearer ${good}.`,
      `Bearer .${sig}`,
      `Bearer ${head}.`,
      `Bearer ${head}`,
      `Bearer ${head}.${sig}=`,
      `Bearer ${head}=.${sig}`,
      `Bearer ${head}.${sig.slice(0, -1)}${sig.endsWith('A') ? 'B' : 'A'}`,
      `Bearer ${head}.${sig}AA`,
      `Bearer ${'A'.repeat(5000)}.${sig}`,
      `Bearer \u0000${good}`,
      'Bearer not-a-ticket',
      `Bearer ${huge}`,
    ];
    // Standard base64 (+ / and padding) is not base64url; the signature's random bytes nearly always differ.
    const standard = Buffer.from(sig, 'base64url').toString('base64');
    if (standard !== sig) headers.push(`Bearer ${head}.${standard}`);
    for (const h of headers) assert.equal(v.verify(h), null, JSON.stringify(h?.slice(-60)));
    assert.ok(v.verify(`bearer ${good}`), 'the scheme name is case-insensitive (RFC 9110, 11.1)');
  });

  it('verifies what the server signs (cross test with server-stub/src/services/ticket-signer.ts)', (t) => {
    let now = NOW;
    const signer = createTicketSigner({ dataDir: tempDir(t), now: () => now });
    const trust = { keys: [signer.publicKey().publicKey], deskId: 'desk-1', userId: 'user-a' };
    const v = createTicketVerifier({ getTrust: () => trust, now: () => now });
    const request = { desk: 'desk-1', mfp: 'mfp-9', sub: 'user-a', ttlSeconds: 120 };
    const all = signer.sign(request);
    assert.deepEqual(v.verify(bearer(all.ticket)), { sub: 'user-a', mfp: 'mfp-9', jobs: null, exp: T + 120 });
    const some = signer.sign({ ...request, jobs: [JOB_A, JOB_B] });
    assert.deepEqual(v.verify(bearer(some.ticket))?.jobs, new Set([JOB_A, JOB_B]));
    assert.equal(
      v.verify(bearer(signer.sign({ ...request, desk: 'desk-2' }).ticket)),
      null,
      'another desktop',
    );
    assert.equal(v.verify(bearer(signer.sign({ ...request, sub: 'user-b' }).ticket)), null, 'another user');
    const longest = signer.sign({ ...request, ttlSeconds: 300 });
    assert.ok(v.verify(bearer(longest.ticket)), 'the longest lifetime the server makes is accepted');
    now = all.expiresAt + 30_000;
    assert.equal(v.verify(bearer(all.ticket)), null, 'expired at expiresAt (plus the skew)');
    const otherServer = createTicketSigner({ dataDir: tempDir(t), now: () => now });
    assert.equal(v.verify(bearer(otherServer.sign(request).ticket)), null, "another server's key");
  });
});
