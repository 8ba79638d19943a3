// Wire types of ID cards (whitepaper 3.5): registered at the MFP, listed and deleted on the web API.
import { errorRef, idParamsSchema } from './common.js';

/**
 * A card id as a reader reports it: 4 to 64 printable ASCII characters without spaces (hex UIDs, decimal
 * card numbers, facility-code formats). Letters are compared without case, as readers differ in hex case.
 */
export const CARD_ID_PATTERN = '^[!-~]{4,64}$';

/** An ID card as the API shows it: never the card id, only its hint. */
export interface CardView {
  id: string;
  /** The last characters of the card id (at most 4, and at most half of it). */
  hint: string;
  /** The MFP where it was registered, if that device still exists. */
  deviceId: string | null;
  createdAt: string;
  lastUsedAt: string | null;
}

/** POST /api/v1/mfp/cards body. */
export interface RegisterCardBody {
  cardId: string;
}

/** JSON schema of CardView. */
export const cardViewSchema = {
  type: 'object',
  required: ['id', 'hint', 'deviceId', 'createdAt', 'lastUsedAt'],
  additionalProperties: false,
  properties: {
    id: { type: 'string' },
    hint: { type: 'string' },
    deviceId: { type: ['string', 'null'] },
    createdAt: { type: 'string', format: 'date-time' },
    lastUsedAt: { type: ['string', 'null'], format: 'date-time' },
  },
} as const;

const cardListSchema = {
  type: 'object',
  required: ['cards'],
  additionalProperties: false,
  properties: { cards: { type: 'array', items: cardViewSchema } },
} as const;

/** Params of DELETE /api/v1/users/:id/cards/:cardId. */
export interface UserCardParams {
  id: string;
  cardId: string;
}

const userCardParamsSchema = {
  type: 'object',
  required: ['id', 'cardId'],
  additionalProperties: false,
  properties: {
    id: { type: 'string', minLength: 1, maxLength: 64 },
    cardId: { type: 'string', minLength: 1, maxLength: 64 },
  },
} as const;

const session = { tags: ['cards'], security: [{ bearerAuth: [] }] } as const;

/** POST /api/v1/mfp/cards. */
export const registerCardSchema = {
  tags: ['mfp', 'cards'],
  summary: 'Register an ID card for the user logged in at this MFP (200 when it is already theirs)',
  security: [{ deviceAuth: [], mfpSession: [] }],
  body: {
    type: 'object',
    required: ['cardId'],
    additionalProperties: false,
    properties: { cardId: { type: 'string', pattern: CARD_ID_PATTERN } },
  },
  response: {
    200: cardViewSchema,
    201: cardViewSchema,
    400: errorRef,
    401: errorRef,
    403: errorRef,
    409: errorRef,
  },
} as const;

/** GET /api/v1/me/cards. */
export const listOwnCardsSchema = {
  ...session,
  summary: "The caller's ID cards",
  response: { 200: cardListSchema, 401: errorRef },
} as const;

/** DELETE /api/v1/me/cards/:id. */
export const deleteOwnCardSchema = {
  ...session,
  summary: "Delete one of the caller's ID cards",
  params: idParamsSchema,
  response: { 204: { type: 'null' }, 401: errorRef, 404: errorRef },
} as const;

/** GET /api/v1/users/:id/cards. */
export const listUserCardsSchema = {
  ...session,
  summary: "A user's ID cards (customer admin)",
  params: idParamsSchema,
  response: { 200: cardListSchema, 401: errorRef, 403: errorRef, 404: errorRef },
} as const;

/** DELETE /api/v1/users/:id/cards/:cardId. */
export const deleteUserCardSchema = {
  ...session,
  summary: "Delete a user's ID card (customer admin)",
  params: userCardParamsSchema,
  response: { 204: { type: 'null' }, 401: errorRef, 403: errorRef, 404: errorRef },
} as const;
