// Offline verification of MFP tickets (design flow 3). The cloud server signs, for one MFP and one user, a
// short-lived permission to fetch that user's jobs from this desktop; the desktop checks it with the server
// key it fetched at login, without calling the server. The server side is
// server-stub/src/services/ticket-signer.ts; both implement this contract separately (the server may not
// import desktop code), and a cross test proves they agree:
//   <base64url(payload JSON)>.<base64url(Ed25519 signature over the ASCII bytes of the first part)>
//   payload { v: 1, typ: 'cps-mfp-ticket', kid, desk, mfp, sub, jobs?, iat, exp } (unix seconds)
// Every refusal is the same `null`: the caller answers one 401, so a client learns nothing about why.
import { createHash, createPublicKey, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { isJobId } from '../spool/job.js';

/** The largest ticket accepted, in characters. */
export const MAX_TICKET_LENGTH = 4096;
/** Clock difference tolerated between the server and this desktop. */
export const CLOCK_SKEW_SECONDS = 30;
/** The longest lifetime (exp - iat) a ticket may claim. */
export const MAX_TICKET_LIFETIME_SECONDS = 300;
/** Tickets whose signature is remembered; a floor of MFPs holds far fewer live ones. */
export const VERIFIED_TICKETS_KEPT = 1024;

/** What this desktop trusts right now: the server's public keys and who is logged in here. */
export interface TicketTrust {
  /** The server's raw 32-byte Ed25519 public keys, base64url (as fetched at login). */
  keys: readonly string[];
  /** This desktop's device id at the server. */
  deskId: string;
  /** The id of the user logged in on this desktop. */
  userId: string;
}

/** Provides the trust; null while nobody is logged in (then every ticket is refused). */
export type TrustProvider = () => TicketTrust | null;

/** What a valid ticket grants. */
export interface TicketGrant {
  /** The user whose jobs may be fetched. */
  sub: string;
  /** The MFP it was issued to (for the log). */
  mfp: string;
  /** Only these job ids, or every job of `sub` when null. */
  jobs: ReadonlySet<string> | null;
  /** Expiry, unix seconds. */
  exp: number;
}

/** Verifies `Authorization` headers. */
export interface TicketVerifier {
  /** The grant of a valid `Bearer <ticket>` header, or null for anything else. */
  verify(authorization: string | undefined): TicketGrant | null;
}

const PART = /^[A-Za-z0-9_-]+$/;
const ID = /^[A-Za-z0-9._:-]{1,128}$/;
const KEYS = new Set(['v', 'typ', 'kid', 'desk', 'mfp', 'sub', 'jobs', 'iat', 'exp']);
/** 64 signature bytes in unpadded base64url. */
const SIGNATURE_CHARS = 86;

/** The key id of a raw public key: base64url SHA-256, first 16 characters. */
export function keyIdOf(rawPublicKey: Buffer): string {
  return createHash('sha256').update(rawPublicKey).digest('base64url').slice(0, 16);
}

/** Decodes base64url only when `text` is its canonical form (no padding, no stray trailing bits). */
function decodeCanonical(text: string): Buffer | null {
  if (!PART.test(text)) return null;
  const bytes = Buffer.from(text, 'base64url');
  return bytes.toString('base64url') === text ? bytes : null;
}

interface Payload {
  kid: string;
  desk: string;
  mfp: string;
  sub: string;
  jobs: string[] | null;
  iat: number;
  exp: number;
}

const isId = (v: unknown): v is string => typeof v === 'string' && ID.test(v);
const isTime = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/** The payload if it is exactly the contract's shape: no unknown field, no wrong type. */
function parsePayload(bytes: Buffer): Payload | null {
  let o: unknown;
  try {
    o = JSON.parse(bytes.toString('utf8'));
  } catch {
    return null;
  }
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return null;
  const p = o as Record<string, unknown>;
  if (Object.keys(p).some((k) => !KEYS.has(k))) return null;
  if (p.v !== 1 || p.typ !== 'cps-mfp-ticket') return null;
  if (typeof p.kid !== 'string' || !/^[A-Za-z0-9_-]{16}$/.test(p.kid)) return null;
  if (!isId(p.desk) || !isId(p.mfp) || !isId(p.sub) || !isTime(p.iat) || !isTime(p.exp)) return null;
  let jobs: string[] | null = null;
  if (p.jobs !== undefined) {
    if (!Array.isArray(p.jobs) || !p.jobs.every(isJobId)) return null;
    jobs = p.jobs;
  }
  return { kid: p.kid, desk: p.desk, mfp: p.mfp, sub: p.sub, jobs, iat: p.iat, exp: p.exp };
}

/**
 * Creates a verifier that asks `getTrust` on every call (a logout takes effect on the next request). An MFP
 * sends the same ticket with every request of a release, so a ticket whose signature checked out is
 * remembered by its exact text until it expires: later requests skip the parse and the Ed25519 verify (the
 * larger part of a small request's cost) but still pass every trust and time check, against the key that
 * signed it still being trusted. Only good signatures are remembered, so a flood of forgeries fills nothing.
 */
export function createTicketVerifier(deps: { getTrust: TrustProvider; now?: () => number }): TicketVerifier {
  const now = deps.now ?? Date.now;
  /** Payloads by ticket text, with the key (base64url) that verified them; insertion order is age. */
  const verified = new Map<string, { payload: Payload; key: string; jobs: ReadonlySet<string> | null }>();
  const remember = (ticket: string, entry: { payload: Payload; key: string }, t: number) => {
    if (verified.size >= VERIFIED_TICKETS_KEPT) {
      for (const [text, e] of verified) if (e.payload.exp <= t - CLOCK_SKEW_SECONDS) verified.delete(text);
      // Still full of live tickets: the oldest go.
      for (const text of verified.keys()) {
        if (verified.size < VERIFIED_TICKETS_KEPT) break;
        verified.delete(text);
      }
    }
    const jobs = entry.payload.jobs === null ? null : new Set(entry.payload.jobs);
    const kept = { ...entry, jobs };
    verified.set(ticket, kept);
    return kept;
  };
  // Key objects by their base64url text, so a key is parsed once, not per request.
  const keyObjects = new Map<string, { kid: string; key: KeyObject } | null>();
  const keyFor = (text: string) => {
    if (!keyObjects.has(text)) {
      let entry: { kid: string; key: KeyObject } | null = null;
      const raw = decodeCanonical(text);
      if (raw && raw.length === 32) {
        try {
          const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: text }, format: 'jwk' });
          entry = { kid: keyIdOf(raw), key };
        } catch {
          entry = null;
        }
      }
      if (keyObjects.size > 64) keyObjects.clear();
      keyObjects.set(text, entry);
    }
    return keyObjects.get(text) ?? null;
  };

  return {
    verify(authorization) {
      const trust = deps.getTrust();
      if (!trust || typeof authorization !== 'string') return null;
      const match = /^Bearer +(\S+)$/i.exec(authorization);
      const ticket = match?.[1];
      if (!ticket || ticket.length > MAX_TICKET_LENGTH) return null;
      const t = Math.floor(now() / 1000);
      let entry = verified.get(ticket);
      if (entry) {
        // The key that verified it must still be one this desktop trusts (keys rotate, users log out).
        if (!trust.keys.includes(entry.key)) return null;
      } else {
        const dot = ticket.indexOf('.');
        if (dot < 1 || ticket.length - dot - 1 !== SIGNATURE_CHARS) return null;
        const head = ticket.slice(0, dot);
        const payloadBytes = decodeCanonical(head);
        const signature = decodeCanonical(ticket.slice(dot + 1));
        if (!payloadBytes || !signature || signature.length !== 64) return null;
        const payload = parsePayload(payloadBytes);
        if (!payload) return null;
        const key = trust.keys.find((k) => keyFor(k)?.kid === payload.kid);
        const trusted = key === undefined ? null : keyFor(key);
        if (key === undefined || !trusted) return null;
        if (!verify(null, Buffer.from(head, 'ascii'), trusted.key, signature)) return null;
        // An expired ticket is not worth a place.
        if (payload.exp <= t - CLOCK_SKEW_SECONDS) return null;
        entry = remember(ticket, { payload, key }, t);
      }
      const { payload } = entry;
      if (payload.exp <= t - CLOCK_SKEW_SECONDS) {
        verified.delete(ticket);
        return null;
      }
      if (payload.iat > t + CLOCK_SKEW_SECONDS) return null;
      if (payload.exp <= payload.iat || payload.exp - payload.iat > MAX_TICKET_LIFETIME_SECONDS) return null;
      if (payload.desk !== trust.deskId || payload.sub !== trust.userId) return null;
      return { sub: payload.sub, mfp: payload.mfp, jobs: entry.jobs, exp: payload.exp };
    },
  };
}
