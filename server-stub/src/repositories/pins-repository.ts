// Storage of PINs (hashes and sealed copies) and of each organization's PIN length. The only SQL for them.
import type { Database } from 'better-sqlite3';

/** Who set a PIN: its owner, or an admin of the owner's organization. */
export type PinSetBy = 'self' | 'admin';

/** A PIN as stored: never the PIN itself. */
export interface StoredPin {
  userId: string;
  /** argon2id hash of the keyed digest of the PIN. */
  pinHash: string;
  length: number;
  setBy: PinSetBy;
  /** AES-256-GCM copy of an admin-made PIN until its owner sees it (iv, tag, ciphertext), else null. */
  sealed: Buffer | null;
  sealedUntil: number | null;
  updatedAt: number;
}

interface PinRow {
  user_id: string;
  pin_hash: string;
  length: number;
  set_by: PinSetBy;
  sealed: Buffer | null;
  sealed_until: number | null;
  updated_at: number;
}

const toPin = (r: PinRow): StoredPin => ({
  userId: r.user_id,
  pinHash: r.pin_hash,
  length: r.length,
  setBy: r.set_by,
  sealed: r.sealed,
  sealedUntil: r.sealed_until,
  updatedAt: r.updated_at,
});

/** PIN storage over one SQLite connection. */
export type PinsRepository = ReturnType<typeof createPinsRepository>;

/** Creates the PIN repository. */
export function createPinsRepository(db: Database) {
  const byUser = db.prepare<[string], PinRow>('SELECT * FROM pins WHERE user_id = ?');
  const upsert = db.prepare<[PinRow]>(`INSERT INTO pins
      (user_id, pin_hash, length, set_by, sealed, sealed_until, updated_at)
      VALUES (@user_id, @pin_hash, @length, @set_by, @sealed, @sealed_until, @updated_at)
    ON CONFLICT (user_id) DO UPDATE SET pin_hash = excluded.pin_hash, length = excluded.length,
      set_by = excluded.set_by, sealed = excluded.sealed, sealed_until = excluded.sealed_until,
      updated_at = excluded.updated_at`);
  const remove = db.prepare<[string]>('DELETE FROM pins WHERE user_id = ?');
  // Only the copy read is dropped: a PIN changed in between keeps its own (newer) copy.
  const dropSealed = db.prepare<[string, string]>(
    'UPDATE pins SET sealed = NULL, sealed_until = NULL WHERE user_id = ? AND pin_hash = ?',
  );
  const dropExpired = db.prepare<[number]>(
    'UPDATE pins SET sealed = NULL, sealed_until = NULL WHERE sealed_until IS NOT NULL AND sealed_until <= ?',
  );
  const lengthOf = db.prepare<[string], number>('SELECT pin_length FROM organizations WHERE id = ?').pluck();
  const setLength = db.prepare<[number, string]>('UPDATE organizations SET pin_length = ? WHERE id = ?');

  return {
    /** The PIN of a user, or undefined. */
    find(userId: string): StoredPin | undefined {
      const row = byUser.get(userId);
      return row && toPin(row);
    },
    /** Stores (or replaces) the PIN of a user. */
    save(pin: StoredPin): void {
      upsert.run({
        user_id: pin.userId,
        pin_hash: pin.pinHash,
        length: pin.length,
        set_by: pin.setBy,
        sealed: pin.sealed,
        sealed_until: pin.sealedUntil,
        updated_at: pin.updatedAt,
      });
    },
    /** Deletes the PIN of a user; true when there was one. */
    delete(userId: string): boolean {
      return remove.run(userId).changes === 1;
    },
    /** Forgets the sealed copy of the PIN with this hash (not of a PIN set since). */
    dropSealed(userId: string, pinHash: string): void {
      dropSealed.run(userId, pinHash);
    },
    /** Forgets every sealed copy whose time ran out; returns how many. */
    dropExpiredSealed(now: number): number {
      return dropExpired.run(now).changes;
    },
    /** The PIN length of an organization (4 if unknown). */
    lengthOf(organizationId: string): number {
      return lengthOf.get(organizationId) ?? 4;
    },
    /** Sets the PIN length of an organization. */
    setLength(organizationId: string, length: number): void {
      setLength.run(length, organizationId);
    },
  };
}
