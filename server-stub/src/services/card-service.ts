// ID cards (whitepaper 3.5). A card id is a bearer credential that a reader can re-read at will, so the
// database keeps only HMAC-SHA256(card key, id) (the key lives in a file outside the database) and a hint
// short enough to be useless: the last characters, at most 4 and at most half of the id.
import { createHmac, randomUUID } from 'node:crypto';
import { HttpError, notFound } from '../errors.js';
import type { CardsRepository, StoredCard } from '../repositories/cards-repository.js';
import type { Device } from '../repositories/devices-repository.js';
import type { User } from '../repositories/users-repository.js';

/** File name of the card key inside the data dir. */
export const CARD_KEY_FILE = 'card-id.key';

/** The most cards one user may hold (a lost card is deleted, not kept). */
export const MAX_CARDS_PER_USER = 10;

/** Card ids are compared without letter case: readers report the same hex UID in either case. */
export const normalizeCardId = (cardId: string) => cardId.toUpperCase();

/** The hint kept for a (normalized) card id. */
export const hintOf = (cardId: string) =>
  cardId.slice(cardId.length - Math.min(4, Math.floor(cardId.length / 2)));

/** Card registration, listing, deletion and lookup. */
export type CardService = ReturnType<typeof createCardService>;

/** Creates the card service. */
export function createCardService(deps: { cards: CardsRepository; key: Buffer; now: () => number }) {
  const { cards, key, now } = deps;
  const hashOf = (cardId: string) =>
    createHmac('sha256', key).update(normalizeCardId(cardId), 'utf8').digest('hex');

  return {
    /**
     * Registers a card for the user logged in at an MFP. A card the user already holds is answered as is
     * (created: false); one held by someone else is refused without saying who.
     */
    register(user: User, device: Device, cardId: string): { card: StoredCard; created: boolean } {
      const cardHash = hashOf(cardId);
      const held = cards.findByHash(user.organizationId, cardHash);
      if (held?.userId === user.id) return { card: held, created: false };
      if (held) {
        throw new HttpError(
          409,
          'card_taken',
          'This ID card is registered to another account of your organization; ask your administrator to delete it there first.',
        );
      }
      if (cards.countOfUser(user.id) >= MAX_CARDS_PER_USER) {
        throw new HttpError(
          409,
          'card_limit',
          `An account holds at most ${MAX_CARDS_PER_USER} ID cards; delete one you no longer use first.`,
        );
      }
      const card: StoredCard = {
        id: randomUUID(),
        organizationId: user.organizationId,
        userId: user.id,
        cardHash,
        hint: hintOf(normalizeCardId(cardId)),
        deviceId: device.id,
        createdAt: now(),
        lastUsedAt: null,
      };
      // Lookup, count and insert run synchronously on one connection: no other request interleaves.
      cards.insert(card);
      return { card, created: true };
    },

    /** The cards of a user. */
    listOf(userId: string): StoredCard[] {
      return cards.listOfUser(userId);
    },

    /** Deletes a card of this user; 404 when the user has no such card. */
    delete(userId: string, id: string): void {
      if (!cards.delete(id, userId)) throw notFound('ID card');
    },

    /** The card with this id in an organization, or undefined. */
    find(organizationId: string, cardId: string): StoredCard | undefined {
      return cards.findByHash(organizationId, hashOf(cardId));
    },

    /** Records a successful login with the card. */
    markUsed(card: StoredCard): void {
      cards.markUsed(card.id, now());
    },
  };
}
