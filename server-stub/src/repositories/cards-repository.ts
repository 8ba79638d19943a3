// Storage of ID cards: the keyed hash of each card id and a short hint, never the id. The only SQL for them.
import type { Database } from 'better-sqlite3';

/** An ID card as stored. */
export interface StoredCard {
  id: string;
  organizationId: string;
  userId: string;
  /** HMAC-SHA256 (hex) of the normalized card id under the server's card key. */
  cardHash: string;
  /** The last characters of the card id (at most 4, at most half of it), for people to tell cards apart. */
  hint: string;
  /** The MFP it was registered at (null once that device is gone). */
  deviceId: string | null;
  createdAt: number;
  lastUsedAt: number | null;
}

interface CardRow {
  id: string;
  organization_id: string;
  user_id: string;
  card_hash: string;
  hint: string;
  device_id: string | null;
  created_at: number;
  last_used_at: number | null;
}

const toCard = (r: CardRow): StoredCard => ({
  id: r.id,
  organizationId: r.organization_id,
  userId: r.user_id,
  cardHash: r.card_hash,
  hint: r.hint,
  deviceId: r.device_id,
  createdAt: r.created_at,
  lastUsedAt: r.last_used_at,
});

/** Card storage over one SQLite connection. */
export type CardsRepository = ReturnType<typeof createCardsRepository>;

/** Creates the card repository. */
export function createCardsRepository(db: Database) {
  const byHash = db.prepare<[string, string], CardRow>(
    'SELECT * FROM id_cards WHERE organization_id = ? AND card_hash = ?',
  );
  const ofUser = db.prepare<[string], CardRow>(
    'SELECT * FROM id_cards WHERE user_id = ? ORDER BY created_at, id',
  );
  const countOfUser = db.prepare<[string], number>('SELECT count(*) FROM id_cards WHERE user_id = ?').pluck();
  const insert = db.prepare<[CardRow]>(`INSERT INTO id_cards
    (id, organization_id, user_id, card_hash, hint, device_id, created_at, last_used_at)
    VALUES (@id, @organization_id, @user_id, @card_hash, @hint, @device_id, @created_at, @last_used_at)`);
  const remove = db.prepare<[string, string]>('DELETE FROM id_cards WHERE id = ? AND user_id = ?');
  const used = db.prepare<[number, string]>('UPDATE id_cards SET last_used_at = ? WHERE id = ?');

  return {
    /** The card with this hash in an organization, or undefined. */
    findByHash(organizationId: string, cardHash: string): StoredCard | undefined {
      const row = byHash.get(organizationId, cardHash);
      return row && toCard(row);
    },
    /** The cards of a user, oldest first. */
    listOfUser(userId: string): StoredCard[] {
      return ofUser.all(userId).map(toCard);
    },
    /** How many cards a user has. */
    countOfUser(userId: string): number {
      return countOfUser.get(userId) ?? 0;
    },
    /** Inserts a card; the database refuses a second holder of one card in an organization. */
    insert(c: StoredCard): void {
      insert.run({
        id: c.id,
        organization_id: c.organizationId,
        user_id: c.userId,
        card_hash: c.cardHash,
        hint: c.hint,
        device_id: c.deviceId,
        created_at: c.createdAt,
        last_used_at: c.lastUsedAt,
      });
    },
    /** Deletes a card of this user; false when the user has no card with this id. */
    delete(id: string, userId: string): boolean {
      return remove.run(id, userId).changes === 1;
    },
    /** Records a login with the card. */
    markUsed(id: string, at: number): void {
      used.run(at, id);
    },
  };
}
