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
  {
    version: 5,
    name: 'jobs, job logs',
    sql: `
      -- A print job waiting for release: its metadata, and for cloud spool the name of its blob. The
      -- document of a local job stays on the desktop (location = the desktop's 5571 address).
      CREATE TABLE jobs (
        id TEXT PRIMARY KEY,
        organization_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE RESTRICT,
        user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        desktop_id TEXT NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
        -- The desktop's own job id (32 hex digits): with desktop_id the idempotency key of registration.
        client_job_id TEXT NOT NULL CHECK (length(client_job_id) = 32),
        spool TEXT NOT NULL CHECK (spool IN ('local', 'cloud')),
        name TEXT NOT NULL,
        pages INTEGER NOT NULL CHECK (pages >= 0),
        size INTEGER NOT NULL CHECK (size >= 0),
        sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
        options TEXT NOT NULL,
        location TEXT,
        cert_sha256 TEXT,
        state TEXT NOT NULL CHECK (state IN ('awaiting_upload', 'ready', 'printed', 'canceled')),
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        UNIQUE (desktop_id, client_job_id),
        CHECK (spool = 'cloud' OR location IS NOT NULL)
      );
      CREATE INDEX jobs_user_state ON jobs(user_id, state);
      CREATE INDEX jobs_expiry ON jobs(expires_at);

      -- What was printed, for the job log and the usage reports. A deleted user's rows stay for the device
      -- and organization totals, without the user and without the document name.
      CREATE TABLE job_logs (
        id TEXT PRIMARY KEY,
        organization_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE RESTRICT,
        user_id TEXT REFERENCES users(id) ON DELETE SET NULL,
        device_id TEXT REFERENCES devices(id) ON DELETE SET NULL,
        job_id TEXT NOT NULL UNIQUE,
        name TEXT,
        spool TEXT NOT NULL CHECK (spool IN ('local', 'cloud')),
        pages INTEGER NOT NULL CHECK (pages >= 0),
        sheets INTEGER NOT NULL CHECK (sheets >= 0),
        color INTEGER NOT NULL CHECK (color IN (0, 1)),
        duplex INTEGER NOT NULL CHECK (duplex IN (0, 1)),
        printed_at INTEGER NOT NULL
      );
      CREATE INDEX job_logs_organization_time ON job_logs(organization_id, printed_at);
      CREATE INDEX job_logs_user_time ON job_logs(user_id, printed_at);
      CREATE TRIGGER job_logs_forget_name AFTER UPDATE OF user_id ON job_logs
        WHEN NEW.user_id IS NULL
      BEGIN
        UPDATE job_logs SET name = NULL WHERE id = NEW.id;
      END;
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
