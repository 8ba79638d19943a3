import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { buildApp } from '../../../server-stub/src/app.js';
import { DATABASE_FILE, openDatabase } from '../../../server-stub/src/db/database.js';
import { createOrganizationsRepository } from '../../../server-stub/src/repositories/organizations-repository.js';
import { createUsersRepository } from '../../../server-stub/src/repositories/users-repository.js';
import { bootstrapIfEmpty, generatePassword } from '../../../server-stub/src/services/bootstrap.js';
import { createPasswordHasher } from '../../../server-stub/src/services/password-hasher.js';
import { checkPassword } from '../../../server-stub/src/services/password-policy.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { ADMIN, buildTestApp, login } from '../helper.js';

function counts(dataDir: string): { organizations: number; users: number } {
  const db = new BetterSqlite3(join(dataDir, DATABASE_FILE), { readonly: true });
  try {
    return {
      organizations: db.prepare('SELECT count(*) FROM organizations').pluck().get() as number,
      users: db.prepare('SELECT count(*) FROM users').pluck().get() as number,
    };
  } finally {
    db.close();
  }
}

describe('first-start bootstrap', () => {
  it('creates the root provider and its admin from the configured credentials', async (t) => {
    const { app, dataDir } = await buildTestApp(t);
    assert.equal(app.bootstrap?.username, ADMIN.username);
    assert.equal(app.bootstrap?.generatedPassword, null);
    assert.deepEqual(counts(dataDir), { organizations: 1, users: 1 });
    assert.equal((await login(app, ADMIN.username, ADMIN.password)).statusCode, 200);
  });

  it('never runs again: a second start with other credentials changes nothing', async (t) => {
    const first = await buildTestApp(t);
    await first.app.close();
    const second = await buildTestApp(t, {
      dataDir: first.dataDir,
      admin: { username: 'intruder', password: 'Intruder-Passw0rd!' },
    });
    assert.equal(second.app.bootstrap, null);
    assert.deepEqual(counts(first.dataDir), { organizations: 1, users: 1 });
    assert.equal((await login(second.app, 'intruder', 'Intruder-Passw0rd!')).statusCode, 401);
    assert.equal((await login(second.app, ADMIN.username, ADMIN.password)).statusCode, 200);
  });

  it('has no route that could bootstrap again', async (t) => {
    const { app, dataDir } = await buildTestApp(t);
    const payload = { username: 'intruder', password: 'Intruder-Passw0rd!', organizationName: 'Evil' };
    for (const url of [
      '/api/v1/bootstrap',
      '/api/v1/setup',
      '/setup',
      '/api/v1/organizations',
      '/api/v1/users',
    ]) {
      const res = await app.inject({ method: 'POST', url, payload });
      assert.ok([401, 404].includes(res.statusCode), `${url} answered ${res.statusCode}`);
    }
    assert.deepEqual(counts(dataDir), { organizations: 1, users: 1 });
  });

  it('creates one root even when two bootstraps race on an empty database', async (t) => {
    const db = openDatabase(tempDir(t));
    t.after(() => db.close());
    const deps = {
      db,
      organizations: createOrganizationsRepository(db),
      users: createUsersRepository(db),
      hasher: createPasswordHasher(),
      now: Date.now,
    };
    const results = await Promise.all([
      bootstrapIfEmpty({ ...deps, admin: { username: 'one', password: 'First-Passw0rd!' } }),
      bootstrapIfEmpty({ ...deps, admin: { username: 'two', password: 'Second-Passw0rd!' } }),
    ]);
    assert.equal(results.filter((r) => r !== null).length, 1);
    assert.equal(db.prepare('SELECT count(*) FROM organizations').pluck().get(), 1);
    assert.equal(db.prepare('SELECT count(*) FROM users').pluck().get(), 1);
  });

  it('generates a password that meets the policy when none is configured, and reports it once', async (t) => {
    const dataDir = tempDir(t);
    const app = await buildApp({ dataDir, admin: {} });
    t.after(() => app.close());
    const generated = app.bootstrap?.generatedPassword;
    assert.ok(generated);
    assert.equal(app.bootstrap?.username, 'admin');
    assert.deepEqual(checkPassword(generated), { ok: true });
    assert.equal((await login(app, 'admin', generated)).statusCode, 200);
    await app.close();
    const again = await buildApp({ dataDir, admin: {} });
    t.after(() => again.close());
    assert.equal(again.bootstrap, null);
  });

  it('refuses to start with a configured password that breaks the policy, and creates nothing', async (t) => {
    const dataDir = tempDir(t);
    await assert.rejects(
      buildApp({ dataDir, admin: { password: 'short1!' } }),
      /CPS_ADMIN_PASSWORD.*at least 8/,
    );
    assert.deepEqual(counts(dataDir), { organizations: 0, users: 0 });
  });

  it('generates different passwords every time, each with every character class', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const pw = generatePassword();
      assert.deepEqual(checkPassword(pw), { ok: true }, pw);
      seen.add(pw);
    }
    assert.equal(seen.size, 200);
  });
});
