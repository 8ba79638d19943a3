import assert from 'node:assert/strict';
import { createHash, createPublicKey, verify } from 'node:crypto';
import { chmodSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  MAX_TICKET_LENGTH,
  MAX_TICKET_TTL_SECONDS,
  TICKET_KEY_FILE,
  TicketKeyError,
  createTicketSigner,
} from '../../../server-stub/src/services/ticket-signer.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { fakeClock } from '../helper.js';

const REQUEST = { desk: 'desk-1', mfp: 'mfp-7', sub: 'user-42', ttlSeconds: 120 };

function decode(ticket: string): { payload: Record<string, unknown>; head: string; signature: Buffer } {
  const [head, sig, ...rest] = ticket.split('.');
  assert.equal(rest.length, 0, 'two parts');
  assert.match(head ?? '', /^[A-Za-z0-9_-]+$/, 'the payload is base64url without padding');
  assert.match(sig ?? '', /^[A-Za-z0-9_-]+$/, 'the signature is base64url without padding');
  return {
    payload: JSON.parse(Buffer.from(head as string, 'base64url').toString('utf8')) as Record<string, unknown>,
    head: head as string,
    signature: Buffer.from(sig as string, 'base64url'),
  };
}

function rawKey(publicKey: string) {
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: publicKey }, format: 'jwk' });
}

describe('the ticket signer', () => {
  it('creates an Ed25519 key on first start as a 0600 PEM and reuses it on restart', (t) => {
    const dataDir = tempDir(t);
    const first = createTicketSigner({ dataDir });
    const path = join(dataDir, TICKET_KEY_FILE);
    assert.equal(statSync(path).mode & 0o777, 0o600, 'the private key is 0600');
    const pem = readFileSync(path, 'utf8');
    assert.match(pem, /^-----BEGIN PRIVATE KEY-----\n/, 'a PKCS#8 PEM');
    assert.deepEqual(
      readdirSync(dataDir).filter((f) => f.endsWith('.tmp')),
      [],
      'no temp file is left behind',
    );
    const second = createTicketSigner({ dataDir });
    assert.deepEqual(second.publicKey(), first.publicKey(), 'a restart keeps the key');
    assert.equal(readFileSync(path, 'utf8'), pem, 'the key file is not rewritten');
    const other = createTicketSigner({ dataDir: tempDir(t) });
    assert.notEqual(
      other.publicKey().publicKey,
      first.publicKey().publicKey,
      'each data dir has its own key',
    );
  });

  it('publishes the raw public key in base64url and a 16-character key id derived from it', (t) => {
    const { kid, publicKey } = createTicketSigner({ dataDir: tempDir(t) }).publicKey();
    const raw = Buffer.from(publicKey, 'base64url');
    assert.equal(raw.length, 32, 'a raw Ed25519 public key');
    assert.equal(kid, createHash('sha256').update(raw).digest('base64url').slice(0, 16));
    assert.equal(rawKey(publicKey).asymmetricKeyType, 'ed25519');
  });

  it('signs the contract payload over the ASCII of the first part, with iat and exp from the clock', (t) => {
    const clock = fakeClock(Date.UTC(2026, 2, 3, 4, 5, 6, 789));
    const signer = createTicketSigner({ dataDir: tempDir(t), now: clock.now });
    const jobs = ['0190f0e0a0b00000a1b2c3d4e5f60718', '0190f0e0a0b00001a1b2c3d4e5f60718'];
    const { ticket, expiresAt } = signer.sign({ ...REQUEST, jobs });
    const { payload, head, signature } = decode(ticket);
    const iat = Math.floor(clock.now() / 1000);
    assert.deepEqual(payload, {
      v: 1,
      typ: 'cps-mfp-ticket',
      kid: signer.publicKey().kid,
      desk: 'desk-1',
      mfp: 'mfp-7',
      sub: 'user-42',
      jobs,
      iat,
      exp: iat + 120,
    });
    assert.deepEqual(Object.keys(payload), ['v', 'typ', 'kid', 'desk', 'mfp', 'sub', 'jobs', 'iat', 'exp']);
    assert.equal(expiresAt, (iat + 120) * 1000);
    assert.equal(signature.length, 64);
    const key = rawKey(signer.publicKey().publicKey);
    assert.ok(verify(null, Buffer.from(head, 'ascii'), key, signature), 'the signature verifies');
    const flipped = Buffer.from(head, 'ascii');
    flipped[3] = (flipped[3] as number) ^ 1;
    assert.ok(!verify(null, flipped, key, signature), 'a changed payload does not');
  });

  it('leaves "jobs" out when the ticket covers every job of the user', (t) => {
    const signer = createTicketSigner({ dataDir: tempDir(t) });
    const { payload } = decode(signer.sign(REQUEST).ticket);
    assert.equal('jobs' in payload, false);
  });

  it('refuses lifetimes outside 1-300 seconds and ids that are not plain ids', (t) => {
    const signer = createTicketSigner({ dataDir: tempDir(t) });
    for (const ttlSeconds of [0, -1, 1.5, MAX_TICKET_TTL_SECONDS + 1, Number.NaN]) {
      assert.throws(() => signer.sign({ ...REQUEST, ttlSeconds }), RangeError, `ttl ${ttlSeconds}`);
    }
    assert.equal(typeof signer.sign({ ...REQUEST, ttlSeconds: MAX_TICKET_TTL_SECONDS }).ticket, 'string');
    for (const bad of ['', 'a b', 'x'.repeat(129), '../x', 'ü']) {
      assert.throws(() => signer.sign({ ...REQUEST, desk: bad }), RangeError, `desk ${JSON.stringify(bad)}`);
      assert.throws(() => signer.sign({ ...REQUEST, sub: bad }), RangeError, `sub ${JSON.stringify(bad)}`);
      assert.throws(() => signer.sign({ ...REQUEST, jobs: [bad] }), RangeError, `job ${JSON.stringify(bad)}`);
    }
  });

  it('refuses to make a ticket longer than the desktop accepts', (t) => {
    const signer = createTicketSigner({ dataDir: tempDir(t) });
    const jobs = Array.from({ length: 200 }, (_, i) => i.toString(16).padStart(32, '0'));
    assert.throws(() => signer.sign({ ...REQUEST, jobs }), /sign fewer jobs/);
    const fits = signer.sign({ ...REQUEST, jobs: jobs.slice(0, 40) }).ticket;
    assert.ok(fits.length <= MAX_TICKET_LENGTH);
  });

  it('refuses a key file readable by others, or one that is not an Ed25519 key, with a message that says what to do', (t) => {
    const dataDir = tempDir(t);
    createTicketSigner({ dataDir });
    const path = join(dataDir, TICKET_KEY_FILE);
    chmodSync(path, 0o644);
    assert.throws(
      () => createTicketSigner({ dataDir }),
      (e: unknown) => e instanceof TicketKeyError && /chmod 600/.test(e.message),
    );
    chmodSync(path, 0o600);
    writeFileSync(path, 'not a key');
    assert.throws(
      () => createTicketSigner({ dataDir }),
      (e: unknown) => e instanceof TicketKeyError && /restore it/.test(e.message),
    );
  });
});
