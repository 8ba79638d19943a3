// MFP user sessions: a user logged in at one MFP. Same token scheme as web sessions (256 random bits,
// base64url, only the SHA-256 stored), shorter lifetimes (a shared device in a corridor), and bound to the
// device that logged the user in.
import { randomBytes } from 'node:crypto';
import type {
  MfpLoginMethod,
  MfpSession,
  MfpSessionsRepository,
} from '../repositories/mfp-sessions-repository.js';
import type { SessionTimeouts } from './session-service.js';
import { hashToken } from './session-service.js';

/** Defaults: 5 minutes idle (whitepaper 3.3 automatic logout at the MFP), 1 hour at most. */
export const DEFAULT_MFP_SESSION_TIMEOUTS: Readonly<SessionTimeouts> = Object.freeze({
  idleTimeoutMs: 5 * 60_000,
  absoluteLifetimeMs: 3_600_000,
});

/** Why a presented MFP session token was refused (internal only; the wire answer is one 401). */
export type MfpSessionRefusal = 'unknown' | 'expired' | 'other_device';

/** Issues, checks and ends MFP sessions. */
export type MfpSessionService = ReturnType<typeof createMfpSessionService>;

/** Creates the MFP session service. */
export function createMfpSessionService(deps: {
  sessions: MfpSessionsRepository;
  timeouts: SessionTimeouts;
  now: () => number;
}) {
  const { sessions, timeouts, now } = deps;
  return {
    /** Starts a session of a user at a device; returns its token (never stored) and absolute end. */
    issue(userId: string, deviceId: string, method: MfpLoginMethod): { token: string; expiresAt: number } {
      const at = now();
      // Logins are the natural moment to clear out sessions that ended without a logout.
      sessions.deleteStale(at, at - timeouts.idleTimeoutMs);
      const token = randomBytes(32).toString('base64url');
      const expiresAt = at + timeouts.absoluteLifetimeMs;
      sessions.insert({
        tokenHash: hashToken(token),
        userId,
        deviceId,
        method,
        createdAt: at,
        lastSeenAt: at,
        expiresAt,
      });
      return { token, expiresAt };
    },

    /**
     * The live session of this token at this device (and marks it used), or why not. An expired session is
     * deleted; so is one presented by another device, since its token has leaked.
     */
    resolve(
      token: string,
      deviceId: string,
    ): { ok: true; session: MfpSession } | { ok: false; reason: MfpSessionRefusal } {
      const tokenHash = hashToken(token);
      const session = sessions.findByTokenHash(tokenHash);
      if (!session) return { ok: false, reason: 'unknown' };
      const at = now();
      if (at >= session.expiresAt || at - session.lastSeenAt >= timeouts.idleTimeoutMs) {
        sessions.delete(tokenHash);
        return { ok: false, reason: 'expired' };
      }
      if (session.deviceId !== deviceId) {
        sessions.delete(tokenHash);
        return { ok: false, reason: 'other_device' };
      }
      sessions.touch(tokenHash, at);
      return { ok: true, session: { ...session, lastSeenAt: at } };
    },

    /** Ends one session at once. */
    revoke(tokenHash: string): void {
      sessions.delete(tokenHash);
    },

    /** Ends every MFP session of a user at once (for account administration: disabling, deleting). */
    revokeAllOf(userId: string): void {
      sessions.deleteForUser(userId);
    },

    /** Deletes every session that has ended; returns how many. */
    sweep(): number {
      const at = now();
      return sessions.deleteStale(at, at - timeouts.idleTimeoutMs);
    },
  };
}
