import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { runMigrations } from '../../../server-stub/src/db/migrations.js';
import { createMfpSessionsRepository } from '../../../server-stub/src/repositories/mfp-sessions-repository.js';
import { createMfpSessionService } from '../../../server-stub/src/services/mfp-session-service.js';
import { fakeClock } from '../helper.js';

const MINUTE = 60_000;

/** A migrated in-memory database with one customer, two users and two MFPs, and the service over it. */
function setup(t: { after: (fn: () => void) => void }) {
  const db = new BetterSqlite3(':memory:');
  t.after(() => db.close());
  db.pragma('foreign_keys = ON');
  runMigrations(db);
  db.exec(`
    INSERT INTO organizations (id, parent_id, kind, name, created_at) VALUES ('r', NULL, 'provider', 'R', 0),
      ('c', 'r', 'customer', 'C', 0);
    INSERT INTO users (id, organization_id, username, role, password_hash, created_at) VALUES
      ('u1', 'c', 'u1', 'customer_user', 'x', 0), ('u2', 'c', 'u2', 'customer_user', 'x', 0);
    INSERT INTO devices (id, organization_id, kind, serial_number, host_name, ip_address, token_hash, created_at)
      VALUES ('m1', 'c', 'mfp', 's1', 'h1', '192.0.2.1', 't1', 0), ('m2', 'c', 'mfp', 's2', 'h2', '192.0.2.2', 't2', 0);
  `);
  const clock = fakeClock();
  const service = createMfpSessionService({
    sessions: createMfpSessionsRepository(db),
    timeouts: { idleTimeoutMs: 5 * MINUTE, absoluteLifetimeMs: 60 * MINUTE },
    now: clock.now,
  });
  const count = () => db.prepare('SELECT count(*) FROM mfp_sessions').pluck().get();
  return { service, clock, count };
}

describe('MFP session service', () => {
  it('ends every session of one user at once and leaves the others', (t) => {
    const { service } = setup(t);
    const a = service.issue('u1', 'm1', 'pin');
    const b = service.issue('u1', 'm2', 'card');
    const c = service.issue('u2', 'm1', 'password');
    service.revokeAllOf('u1');
    assert.equal(service.resolve(a.token, 'm1').ok, false);
    assert.equal(service.resolve(b.token, 'm2').ok, false);
    assert.equal(service.resolve(c.token, 'm1').ok, true);
  });

  it('sweeps sessions that ended without a logout', (t) => {
    const { service, clock, count } = setup(t);
    service.issue('u1', 'm1', 'pin');
    const busy = service.issue('u2', 'm1', 'pin');
    clock.advance(4 * MINUTE);
    assert.equal(service.resolve(busy.token, 'm1').ok, true);
    clock.advance(MINUTE);
    assert.equal(service.sweep(), 1, 'the idle one');
    assert.equal(count(), 1);
    for (let i = 0; i < 18; i++) {
      clock.advance(3 * MINUTE); // up to minute 59, never 5 minutes idle
      assert.equal(service.resolve(busy.token, 'm1').ok, true);
    }
    assert.equal(service.sweep(), 0, 'busy and within its hour');
    clock.advance(MINUTE);
    assert.equal(service.sweep(), 1, 'busy but past its hour');
    assert.equal(count(), 0);
  });
});
