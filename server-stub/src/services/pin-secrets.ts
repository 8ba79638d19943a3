// The two keys that keep PINs out of a copied database. A PIN has only 10^4 to 10^6 values, so an argon2id
// hash alone falls to an offline search in minutes; hashing a keyed digest (HMAC-SHA256 with a pepper kept
// in a file outside the database) makes the stored hashes useless without that file. The seal key encrypts
// the one copy of an admin-made PIN that its owner may read back (AES-256-GCM, bound to the owner's id).
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

/** File names of the keys inside the data dir. */
export const PIN_PEPPER_FILE = 'pin-pepper.key';
export const PIN_SEAL_FILE = 'pin-seal.key';

const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Keyed digest and sealing of PINs. */
export interface PinSecrets {
  /** What is argon2-hashed in place of the PIN. */
  digest(pin: string): string;
  /** Encrypts a PIN for its owner: iv || tag || ciphertext. */
  seal(userId: string, pin: string): Buffer;
  /** Decrypts a sealed PIN, or undefined when it was not sealed for this user (or was altered). */
  unseal(userId: string, sealed: Buffer): string | undefined;
}

/** Creates the PIN secrets from the pepper and seal keys (32 bytes each). */
export function createPinSecrets(keys: { pepper: Buffer; seal: Buffer }): PinSecrets {
  // The owner's id is authenticated data: a sealed copy moved to another user's row does not open.
  const aad = (userId: string) => Buffer.from(`cps-pin-seal:v1:${userId}`, 'utf8');
  return {
    digest: (pin) => createHmac('sha256', keys.pepper).update(pin, 'utf8').digest('base64url'),
    seal(userId, pin) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', keys.seal, iv).setAAD(aad(userId));
      const body = Buffer.concat([cipher.update(pin, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]);
    },
    unseal(userId, sealed) {
      if (sealed.length <= IV_BYTES + TAG_BYTES) return undefined;
      try {
        const decipher = createDecipheriv('aes-256-gcm', keys.seal, sealed.subarray(0, IV_BYTES));
        decipher.setAAD(aad(userId)).setAuthTag(sealed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
        const body = sealed.subarray(IV_BYTES + TAG_BYTES);
        return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
      } catch {
        return undefined;
      }
    },
  };
}
