import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { DATABASE_FILE, openDatabase } from '../../../server-stub/src/db/database.js';
import { migrations, runMigrations, SchemaTooNewError } from '../../../server-stub/src/db/migrations.js';
import { tempDir } from '../../helpers/temp-dir.js';

describe('database migrations', () => {
  it('applies every migration once and records its version', (t) => {
    const db = new BetterSqlite3(':memory:');
    t.after(() => db.close());
    assert.deepEqual(
      runMigrations(db),
      migrations.map((m) => m.version),
    );
    assert.deepEqual(runMigrations(db), []);
    const rows = db.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all();
    assert.deepEqual(
      rows,
      migrations.map((m) => m.version),
    );
  });

  it('applies only the new migrations to an existing database', (t) => {
    const db = new BetterSqlite3(':memory:');
    t.after(() => db.close());
    runMigrations(db);
    const next = { version: 1000, name: 'test table', sql: 'CREATE TABLE later (x INTEGER)' };
    assert.deepEqual(runMigrations(db, [...migrations, next]), [1000]);
    assert.equal(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'later'").pluck().get(), 1);
  });

  it('rolls back a failing migration entirely and does not record it', (t) => {
    const db = new BetterSqlite3(':memory:');
    t.after(() => db.close());
    runMigrations(db);
    const broken = {
      version: 1001,
      name: 'broken',
      sql: 'CREATE TABLE half (x INTEGER); INSERT INTO nowhere VALUES (1);',
    };
    assert.throws(() => runMigrations(db, [...migrations, broken]), /no such table: nowhere/);
    assert.equal(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'half'").pluck().get(), 0);
    assert.equal(db.prepare('SELECT count(*) FROM schema_migrations WHERE version = 1001').pluck().get(), 0);
  });

  it('gives customers of a version-1 database the default licence of 10 devices, and providers none', (t) => {
    const db = new BetterSqlite3(':memory:');
    t.after(() => db.close());
    runMigrations(
      db,
      migrations.filter((m) => m.version === 1),
    );
    db.exec(`INSERT INTO organizations (id, parent_id, kind, name, created_at) VALUES
      ('root', NULL, 'provider', 'Root', 0), ('c', 'root', 'customer', 'C', 0)`);
    assert.deepEqual(
      runMigrations(
        db,
        migrations.filter((m) => m.version <= 2),
      ),
      [2],
    );
    const rows = db.prepare('SELECT id, max_devices AS m FROM organizations ORDER BY id').all();
    assert.deepEqual(rows, [
      { id: 'c', m: 10 },
      { id: 'root', m: null },
    ]);
    // The schema itself refuses an MFP without serial number or IP.
    assert.throws(
      () =>
        db.exec(`INSERT INTO devices (id, organization_id, kind, host_name, token_hash, created_at)
          VALUES ('d', 'c', 'mfp', 'h', 'x', 0)`),
      /CHECK constraint failed/,
    );
  });

  it('refuses a database written by a newer server', (t) => {
    const db = new BetterSqlite3(':memory:');
    t.after(() => db.close());
    runMigrations(db, [...migrations, { version: 999, name: 'future', sql: 'SELECT 1' }]);
    assert.throws(() => runMigrations(db), SchemaTooNewError);
  });

  it('opens the data dir database with foreign keys on and in WAL mode, and keeps data across reopen', (t) => {
    const dir = tempDir(t);
    const db = openDatabase(dir);
    assert.equal(db.pragma('foreign_keys', { simple: true }), 1);
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    db.prepare(
      "INSERT INTO organizations (id, parent_id, kind, name, created_at) VALUES ('r', NULL, 'provider', 'R', 0)",
    ).run();
    db.close();
    const again = openDatabase(dir);
    t.after(() => again.close());
    assert.equal(again.prepare('SELECT name FROM organizations').pluck().get(), 'R');
    assert.equal(again.name, join(dir, DATABASE_FILE));
  });

  it('enforces the tree in the schema: one root, providers as parents, no dangling references', (t) => {
    const db = openDatabase(tempDir(t));
    t.after(() => db.close());
    const insert = db.prepare(
      'INSERT INTO organizations (id, parent_id, kind, name, created_at) VALUES (?, ?, ?, ?, 0)',
    );
    insert.run('root', null, 'provider', 'Root');
    assert.throws(() => insert.run('root2', null, 'provider', 'Second root'), /UNIQUE/);
    assert.throws(() => insert.run('rootc', null, 'customer', 'Customer root'), /CHECK/);
    insert.run('cust', 'root', 'customer', 'Customer');
    assert.throws(
      () => insert.run('under-cust', 'cust', 'customer', 'Below a customer'),
      /must be a provider/,
    );
    assert.throws(
      () => insert.run('orphan', 'missing', 'customer', 'Orphan'),
      /must be a provider|FOREIGN KEY/,
    );
    assert.throws(
      () =>
        db
          .prepare(
            "INSERT INTO users (id, organization_id, username, role, password_hash, created_at) VALUES ('u', 'missing', 'u', 'customer_user', 'h', 0)",
          )
          .run(),
      /FOREIGN KEY/,
    );
  });
});
