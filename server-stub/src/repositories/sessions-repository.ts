// Storage of login sessions. Only the SHA-256 of a token is stored, never the token.
import type { Database } from 'better-sqlite3';

/** A stored session, keyed by the hash of its token. */
export interface Session {
  tokenHash: string;
  userId: string;
  createdAt: number;
  lastSeenAt: number;
  expiresAt: number;
  /** This session's idle timeout, or null for the server's default. */
  idleTimeoutMs: number | null;
}

interface SessionRow {
  token_hash: string;
  user_id: string;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
  idle_timeout_ms: number | null;
}

/** Session storage over one SQLite connection. */
export type SessionsRepository = ReturnType<typeof createSessionsRepository>;

/** Creates the session repository. */
export function createSessionsRepository(db: Database) {
  const insert = db.prepare<
    [SessionRow]
  >(`INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at, idle_timeout_ms)
    VALUES (@token_hash, @user_id, @created_at, @last_seen_at, @expires_at, @idle_timeout_ms)`);
  const byHash = db.prepare<[string], SessionRow>('SELECT * FROM sessions WHERE token_hash = ?');
  const touch = db.prepare<[number, string]>('UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?');
  const remove = db.prepare<[string]>('DELETE FROM sessions WHERE token_hash = ?');
  const removeForUser = db.prepare<[string]>('DELETE FROM sessions WHERE user_id = ?');

  return {
    /** Stores a new session. */
    insert(s: Session): void {
      insert.run({
        token_hash: s.tokenHash,
        user_id: s.userId,
        created_at: s.createdAt,
        last_seen_at: s.lastSeenAt,
        expires_at: s.expiresAt,
        idle_timeout_ms: s.idleTimeoutMs,
      });
    },
    /** The session with this token hash, or undefined. */
    findByTokenHash(tokenHash: string): Session | undefined {
      const r = byHash.get(tokenHash);
      return (
        r && {
          tokenHash: r.token_hash,
          userId: r.user_id,
          createdAt: r.created_at,
          lastSeenAt: r.last_seen_at,
          expiresAt: r.expires_at,
          idleTimeoutMs: r.idle_timeout_ms,
        }
      );
    },
    /** Records activity on a session (for the idle timeout). */
    touch(tokenHash: string, at: number): void {
      touch.run(at, tokenHash);
    },
    /** Deletes one session. */
    delete(tokenHash: string): void {
      remove.run(tokenHash);
    },
    /** Deletes every session of a user. */
    deleteForUser(userId: string): void {
      removeForUser.run(userId);
    },
  };
}
