// Login sessions: opaque 256-bit tokens from the CSPRNG; the database keeps only their SHA-256.
import { createHash, randomBytes } from 'node:crypto';
import type { SessionsRepository } from '../repositories/sessions-repository.js';

/** Session lifetimes in milliseconds. */
export interface SessionTimeouts {
  /** A session unused this long is gone. */
  idleTimeoutMs: number;
  /** A session older than this is gone, however busy. */
  absoluteLifetimeMs: number;
}

/** Defaults: 30 minutes idle (whitepaper 3.3 and the desktop default), 12 hours at most. */
export const DEFAULT_SESSION_TIMEOUTS: Readonly<SessionTimeouts> = Object.freeze({
  idleTimeoutMs: 30 * 60_000,
  absoluteLifetimeMs: 12 * 3_600_000,
});

/** The hex SHA-256 of a token: what the database stores. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Issues, checks and revokes session tokens. */
export type SessionService = ReturnType<typeof createSessionService>;

/** How stale the stored last-seen time may get before a request refreshes it. */
export const TOUCH_INTERVAL_MS = 60_000;

/** Creates the session service. */
export function createSessionService(deps: {
  sessions: SessionsRepository;
  timeouts: SessionTimeouts;
  now: () => number;
}) {
  const { sessions, timeouts, now } = deps;
  return {
    /** Starts a session for a user and returns its token (shown to the client once, never stored). */
    issue(
      userId: string,
      idleTimeoutMs: number | null = null,
    ): { token: string; expiresAt: number; idleTimeoutMs: number } {
      const token = randomBytes(32).toString('base64url');
      const at = now();
      const expiresAt = at + timeouts.absoluteLifetimeMs;
      sessions.insert({
        tokenHash: hashToken(token),
        userId,
        createdAt: at,
        lastSeenAt: at,
        expiresAt,
        idleTimeoutMs,
      });
      return { token, expiresAt, idleTimeoutMs: idleTimeoutMs ?? timeouts.idleTimeoutMs };
    },
    /** The user id of a live session (and marks it used), or undefined; an expired session is deleted. */
    resolve(token: string): { userId: string; tokenHash: string } | undefined {
      const tokenHash = hashToken(token);
      const s = sessions.findByTokenHash(tokenHash);
      if (!s) return undefined;
      const at = now();
      if (at >= s.expiresAt || at - s.lastSeenAt >= (s.idleTimeoutMs ?? timeouts.idleTimeoutMs)) {
        sessions.delete(tokenHash);
        return undefined;
      }
      // The last-seen time is written at most once a minute: an fsync'd write on every request cost half
      // the server's CPU (bench). The idle timeout may therefore end a session up to a minute early.
      if (at - s.lastSeenAt >= TOUCH_INTERVAL_MS) sessions.touch(tokenHash, at);
      return { userId: s.userId, tokenHash };
    },
    /** Ends one session at once. */
    revoke(tokenHash: string): void {
      sessions.delete(tokenHash);
    },
    /** Ends every session of a user at once (disabled, deleted, or given another role). */
    revokeAllOf(userId: string): void {
      sessions.deleteForUser(userId);
    },
  };
}
