// MFP tickets (design flow 3): the server signs, for one MFP and one user, a short-lived permission to
// fetch that user's jobs from one desktop's port 5571; the desktop verifies it offline with the public key
// it fetched at login. Contract (the desktop's main/mfp-server/ticket.ts implements the other side):
//   <base64url(payload JSON)>.<base64url(Ed25519 signature over the ASCII bytes of the first part)>
//   payload { v: 1, typ: 'cps-mfp-ticket', kid, desk, mfp, sub, jobs?, iat, exp } (unix seconds)
// The key pair is Ed25519, made on first start and kept as a PKCS#8 PEM (mode 0600) in the data dir, beside
// the database but not in it. It is never rewritten: a new key would make every desktop's trust stale.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileOnce } from '../storage/secret-key-file.js';

/** File name of the signing key inside the server's data dir. */
export const TICKET_KEY_FILE = 'ticket-signing-key.pem';

/** The longest lifetime a ticket may have; the desktop refuses anything longer. */
export const MAX_TICKET_TTL_SECONDS = 300;

/** The largest ticket the desktop accepts (characters); a longer one would be refused there, so none is made. */
export const MAX_TICKET_LENGTH = 4096;

/** What a ticket allows: `mfp` may fetch `sub`'s jobs (only `jobs`, when given) from desktop `desk`. */
export interface TicketRequest {
  /** Device id of the desktop that holds the jobs. */
  desk: string;
  /** Device id of the MFP that will fetch them. */
  mfp: string;
  /** User id of the job owner logged in at the MFP. */
  sub: string;
  /** The desktop's job ids the ticket is limited to; omitted means every job of `sub` there. */
  jobs?: readonly string[];
  /** Lifetime, 1 to MAX_TICKET_TTL_SECONDS. */
  ttlSeconds: number;
}

/** A signed ticket and when it stops working (milliseconds since the epoch). */
export interface SignedTicket {
  ticket: string;
  expiresAt: number;
}

/** The public half desktops verify with: `kid` names it inside tickets. */
export interface TicketPublicKey {
  kid: string;
  /** The raw 32-byte Ed25519 public key, base64url. */
  publicKey: string;
}

/** Signs MFP tickets with the server's key. */
export interface TicketSigner {
  sign(request: TicketRequest): SignedTicket;
  publicKey(): TicketPublicKey;
}

/** The key file exists but cannot be used; the message says how to fix it. */
export class TicketKeyError extends Error {
  readonly code = 'TICKET_KEY_FILE';
}

const ID_RE = /^[A-Za-z0-9._:-]{1,128}$/;

function readKey(path: string): KeyObject {
  if (process.platform !== 'win32' && (statSync(path).mode & 0o077) !== 0) {
    throw new TicketKeyError(
      `${path} is readable by other users; restrict it with "chmod 600 ${path}" and start again.`,
    );
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(readFileSync(path));
  } catch {
    throw new TicketKeyError(
      `${path} is not a readable private key; restore it from the backup of this data dir.`,
    );
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new TicketKeyError(`${path} is not an Ed25519 key; restore it from the backup of this data dir.`);
  }
  return key;
}

/** The key in `<dataDir>/ticket-signing-key.pem`, created on first use (complete or not at all). */
function loadOrCreateKey(dataDir: string): KeyObject {
  const path = join(dataDir, TICKET_KEY_FILE);
  try {
    return readKey(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const { privateKey } = generateKeyPairSync('ed25519');
  const pem = String(privateKey.export({ type: 'pkcs8', format: 'pem' }));
  // A second server starting at the same moment keeps the winner's key.
  return writeFileOnce(dataDir, TICKET_KEY_FILE, pem) ? privateKey : readKey(path);
}

/** The key id of a raw public key: base64url SHA-256, first 16 characters. */
export function keyIdOf(rawPublicKey: Buffer): string {
  return createHash('sha256').update(rawPublicKey).digest('base64url').slice(0, 16);
}

function checkId(name: string, value: unknown): string {
  if (typeof value !== 'string' || !ID_RE.test(value)) {
    throw new RangeError(`A ticket's "${name}" must be an id of 1-128 letters, digits or ._:- characters.`);
  }
  return value;
}

/** Creates the signer, loading or creating the key pair in `dataDir`. */
export function createTicketSigner(deps: { dataDir: string; now?: () => number }): TicketSigner {
  const now = deps.now ?? Date.now;
  const privateKey = loadOrCreateKey(deps.dataDir);
  const jwk = createPublicKey(privateKey).export({ format: 'jwk' });
  const raw = Buffer.from(String(jwk.x), 'base64url');
  const publicKey: TicketPublicKey = { kid: keyIdOf(raw), publicKey: raw.toString('base64url') };

  return {
    publicKey: () => ({ ...publicKey }),
    sign(request) {
      const ttl = request.ttlSeconds;
      if (!Number.isInteger(ttl) || ttl < 1 || ttl > MAX_TICKET_TTL_SECONDS) {
        throw new RangeError(`A ticket lives 1 to ${MAX_TICKET_TTL_SECONDS} seconds, not ${ttl}.`);
      }
      const iat = Math.floor(now() / 1000);
      // Key order is fixed so that equal requests at the same second give byte-equal tickets.
      const payload = {
        v: 1,
        typ: 'cps-mfp-ticket',
        kid: publicKey.kid,
        desk: checkId('desk', request.desk),
        mfp: checkId('mfp', request.mfp),
        sub: checkId('sub', request.sub),
        ...(request.jobs === undefined ? {} : { jobs: request.jobs.map((j) => checkId('jobs', j)) }),
        iat,
        exp: iat + ttl,
      };
      const head = Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
      const signature = sign(null, Buffer.from(head, 'ascii'), privateKey).toString('base64url');
      const ticket = `${head}.${signature}`;
      if (ticket.length > MAX_TICKET_LENGTH) {
        throw new RangeError(
          `A ticket naming ${request.jobs?.length ?? 0} jobs is longer than ${MAX_TICKET_LENGTH} characters; sign fewer jobs per ticket.`,
        );
      }
      return { ticket, expiresAt: payload.exp * 1000 };
    },
  };
}
