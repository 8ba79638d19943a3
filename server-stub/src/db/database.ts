// Opens the embedded SQLite database in the data folder with the settings every connection needs.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { Database } from 'better-sqlite3';
import { runMigrations } from './migrations.js';

/** File name of the database inside --data-dir. */
export const DATABASE_FILE = 'cps-server.sqlite';

/** Opens (creating if needed) the database in dataDir, turns on foreign keys and WAL, and migrates it. */
export function openDatabase(dataDir: string): Database {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const db = new BetterSqlite3(join(dataDir, DATABASE_FILE));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    runMigrations(db);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}
