// Versioned schema migrations. Append new entries; never edit one that has shipped.
import type { Database } from 'better-sqlite3';

/** One schema step: applied once, inside a transaction, and recorded in schema_migrations. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Every migration, in version order. */
export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'organizations, users, sessions',
    sql: `
      CREATE TABLE organizations (
        id TEXT PRIMARY KEY,
        parent_id TEXT REFERENCES organizations(id) ON DELETE RESTRICT,
        kind TEXT NOT NULL CHECK (kind IN ('provider', 'customer')),
        name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        created_at INTEGER NOT NULL,
        CHECK (parent_id IS NOT NULL OR kind = 'provider')
      );
      -- At most one root: every root is a provider, so a unique index on kind over the roots admits one row.
      CREATE UNIQUE INDEX organizations_single_root ON organizations(kind) WHERE parent_id IS NULL;
      CREATE INDEX organizations_parent ON organizations(parent_id);
      CREATE TRIGGER organizations_parent_is_provider
        BEFORE INSERT ON organizations
        WHEN NEW.parent_id IS NOT NULL
          AND (SELECT kind FROM organizations WHERE id = NEW.parent_id) IS NOT 'provider'
      BEGIN
        SELECT RAISE(ABORT, 'the parent of an organization must be a provider');
      END;

      CREATE TABLE users (
        id TEXT PRIMARY KEY,
        organization_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE RESTRICT,
        username TEXT NOT NULL COLLATE NOCASE UNIQUE,
        role TEXT NOT NULL CHECK (role IN
          ('provider_admin', 'provider_support', 'customer_admin', 'customer_user', 'print_manager')),
        password_hash TEXT NOT NULL,
        failed_logins INTEGER NOT NULL DEFAULT 0,
        locked_until INTEGER,
        disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
        created_at INTEGER NOT NULL
      );
      CREATE INDEX users_organization ON users(organization_id);

      CREATE TABLE sessions (
        token_hash TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        created_at INTEGER NOT NULL,
        last_seen_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
      );
      CREATE INDEX sessions_user ON sessions(user_id);
    `,
  },
  {
    version: 2,
    name: 'licence data, devices',
    sql: `
      -- Licence data of a customer: how many devices may be registered at once (null for providers).
      ALTER TABLE organizations ADD COLUMN max_devices INTEGER
        CHECK (max_devices IS NULL OR max_devices BETWEEN 0 AND 100000);
      UPDATE organizations SET max_devices = 10 WHERE kind = 'customer';

      CREATE TABLE devices (
        id TEXT PRIMARY KEY,
        organization_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE RESTRICT,
        kind TEXT NOT NULL CHECK (kind IN ('mfp', 'desktop')),
        serial_number TEXT,
        host_name TEXT NOT NULL,
        ip_address TEXT,
        -- Only the SHA-256 of the device token; the token itself is shown once at registration.
        token_hash TEXT NOT NULL UNIQUE,
        created_at INTEGER NOT NULL,
        revoked_at INTEGER,
        CHECK (kind = 'desktop' OR (serial_number IS NOT NULL AND ip_address IS NOT NULL))
      );
      CREATE INDEX devices_organization ON devices(organization_id);
    `,
  },
];

/** Thrown when the database was written by a newer server than this one. */
export class SchemaTooNewError extends Error {
  readonly code = 'SCHEMA_TOO_NEW';
  constructor(found: number, known: number) {
    super(`The database has schema version ${found}, this server knows up to ${known}: upgrade the server.`);
  }
}

/** Applies every migration not yet recorded, each in its own transaction; returns the versions applied. */
export function runMigrations(db: Database, list: readonly Migration[] = migrations): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL
  )`);
  const applied = new Set(
    db
      .prepare('SELECT version FROM schema_migrations')
      .pluck()
      .all()
      .map((v) => Number(v)),
  );
  const known = list.reduce((max, m) => Math.max(max, m.version), 0);
  const newest = Math.max(0, ...applied);
  if (newest > known) throw new SchemaTooNewError(newest, known);

  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  const done: number[] = [];
  for (const m of [...list].sort((a, b) => a.version - b.version)) {
    if (applied.has(m.version)) continue;
    db.transaction(() => {
      db.exec(m.sql);
      record.run(m.version, m.name, new Date().toISOString());
    })();
    done.push(m.version);
  }
  return done;
}
