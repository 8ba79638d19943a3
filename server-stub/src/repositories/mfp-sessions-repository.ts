// Storage of MFP user sessions. Only the SHA-256 of a token is stored, with the device it is bound to.
import type { Database } from 'better-sqlite3';

/** How the user logged in at the MFP. */
export type MfpLoginMethod = 'password' | 'pin' | 'card';

/** A stored MFP session, keyed by the hash of its token. */
export interface MfpSession {
  tokenHash: string;
  userId: string;
  deviceId: string;
  method: MfpLoginMethod;
  createdAt: number;
  lastSeenAt: number;
  expiresAt: number;
}

interface MfpSessionRow {
  token_hash: string;
  user_id: string;
  device_id: string;
  method: MfpLoginMethod;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
}

/** MFP session storage over one SQLite connection. */
export type MfpSessionsRepository = ReturnType<typeof createMfpSessionsRepository>;

/** Creates the MFP session repository. */
export function createMfpSessionsRepository(db: Database) {
  const insert = db.prepare<[MfpSessionRow]>(`INSERT INTO mfp_sessions
    (token_hash, user_id, device_id, method, created_at, last_seen_at, expires_at)
    VALUES (@token_hash, @user_id, @device_id, @method, @created_at, @last_seen_at, @expires_at)`);
  const byHash = db.prepare<[string], MfpSessionRow>('SELECT * FROM mfp_sessions WHERE token_hash = ?');
  const touch = db.prepare<[number, string]>('UPDATE mfp_sessions SET last_seen_at = ? WHERE token_hash = ?');
  const remove = db.prepare<[string]>('DELETE FROM mfp_sessions WHERE token_hash = ?');
  const removeForUser = db.prepare<[string]>('DELETE FROM mfp_sessions WHERE user_id = ?');
  const removeStale = db.prepare<[number, number]>(
    'DELETE FROM mfp_sessions WHERE expires_at <= ? OR last_seen_at <= ?',
  );

  return {
    /** Stores a new session. */
    insert(s: MfpSession): void {
      insert.run({
        token_hash: s.tokenHash,
        user_id: s.userId,
        device_id: s.deviceId,
        method: s.method,
        created_at: s.createdAt,
        last_seen_at: s.lastSeenAt,
        expires_at: s.expiresAt,
      });
    },
    /** The session with this token hash, or undefined. */
    findByTokenHash(tokenHash: string): MfpSession | undefined {
      const r = byHash.get(tokenHash);
      return (
        r && {
          tokenHash: r.token_hash,
          userId: r.user_id,
          deviceId: r.device_id,
          method: r.method,
          createdAt: r.created_at,
          lastSeenAt: r.last_seen_at,
          expiresAt: r.expires_at,
        }
      );
    },
    /** Records activity (for the idle timeout). */
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
    /** Deletes the sessions past their end or idle since `idleBefore`; returns how many. */
    deleteStale(now: number, idleBefore: number): number {
      return removeStale.run(now, idleBefore).changes;
    },
  };
}
