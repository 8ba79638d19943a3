// Wire types of PINs (whitepaper 3.4): 4, 5 or 6 digits, masked to admins, unmasked to the owner.
import { errorRef, idParamsSchema } from './common.js';

/** The PIN lengths an organization may choose. */
export const PIN_LENGTHS = [4, 5, 6] as const;

/** A PIN as its owner sees it. */
export interface OwnPinView {
  set: boolean;
  /** Digits of the stored PIN (it may differ from requiredLength after the organization changed it). */
  length: number | null;
  /** One `*` per digit, e.g. `****`. */
  masked: string | null;
  /**
   * The PIN in clear: in the answer that set or generated it, and once (within 7 days) for a PIN an admin
   * set or generated; otherwise null, since the server keeps only a hash.
   */
  pin: string | null;
  setBy: 'self' | 'admin' | null;
  updatedAt: string | null;
  /** How many digits a new PIN of the owner's organization must have. */
  requiredLength: number;
}

/** A PIN as a customer admin sees it: never in clear. */
export interface AdminPinView {
  set: boolean;
  length: number | null;
  masked: string | null;
  setBy: 'self' | 'admin' | null;
  updatedAt: string | null;
  requiredLength: number;
  /** True while the owner has not yet seen the PIN an admin set or generated. */
  awaitingReveal: boolean;
}

/** PUT .../pin body. */
export interface SetPinBody {
  pin: string;
}

/** The PIN settings of a customer organization. */
export interface PinSettings {
  pinLength: 4 | 5 | 6;
}

const common = {
  set: { type: 'boolean' },
  length: { type: ['integer', 'null'] },
  masked: { type: ['string', 'null'] },
  setBy: { type: ['string', 'null'] },
  updatedAt: { type: ['string', 'null'], format: 'date-time' },
  requiredLength: { type: 'integer' },
} as const;

/** JSON schema of OwnPinView. */
export const ownPinViewSchema = {
  type: 'object',
  required: ['set', 'length', 'masked', 'pin', 'setBy', 'updatedAt', 'requiredLength'],
  additionalProperties: false,
  properties: { ...common, pin: { type: ['string', 'null'] } },
} as const;

/** JSON schema of AdminPinView. */
export const adminPinViewSchema = {
  type: 'object',
  required: ['set', 'length', 'masked', 'setBy', 'updatedAt', 'requiredLength', 'awaitingReveal'],
  additionalProperties: false,
  properties: { ...common, awaitingReveal: { type: 'boolean' } },
} as const;

// The format is judged by the service, so that its message can name the organization's length.
const setPinBodySchema = {
  type: 'object',
  required: ['pin'],
  additionalProperties: false,
  properties: { pin: { type: 'string', minLength: 1, maxLength: 64 } },
} as const;

const pinSettingsSchema = {
  type: 'object',
  required: ['pinLength'],
  additionalProperties: false,
  properties: { pinLength: { type: 'integer', enum: [...PIN_LENGTHS] } },
} as const;

const own = { tags: ['pins'], security: [{ bearerAuth: [] }] } as const;
const ownErrors = { 401: errorRef, 403: errorRef } as const;
const admin = { tags: ['pins'], security: [{ bearerAuth: [] }], params: idParamsSchema } as const;
const adminErrors = { 401: errorRef, 403: errorRef, 404: errorRef } as const;

/** GET /api/v1/me/pin. */
export const getOwnPinSchema = {
  ...own,
  summary: "The caller's PIN: masked, or in clear once after an admin set or generated it",
  response: { 200: ownPinViewSchema, ...ownErrors },
} as const;

/** PUT /api/v1/me/pin. */
export const setOwnPinSchema = {
  ...own,
  summary: "Set the caller's own PIN (any digits, of the organization's length)",
  body: setPinBodySchema,
  response: { 200: ownPinViewSchema, 400: errorRef, ...ownErrors },
} as const;

/** POST /api/v1/me/pin/generate. */
export const generateOwnPinSchema = {
  ...own,
  summary: 'Give the caller a random PIN, shown in this answer',
  response: { 200: ownPinViewSchema, ...ownErrors },
} as const;

/** DELETE /api/v1/me/pin. */
export const deleteOwnPinSchema = {
  ...own,
  summary: "Remove the caller's PIN (PIN login stops working for the account)",
  response: { 204: { type: 'null' }, ...ownErrors },
} as const;

/** GET /api/v1/users/:id/pin. */
export const getUserPinSchema = {
  ...admin,
  summary: "A user's PIN, masked (customer admin)",
  response: { 200: adminPinViewSchema, ...adminErrors },
} as const;

/** PUT /api/v1/users/:id/pin. */
export const setUserPinSchema = {
  ...admin,
  summary: "Set a user's PIN (customer admin); the user sees it once at GET /api/v1/me/pin",
  body: setPinBodySchema,
  response: { 200: adminPinViewSchema, 400: errorRef, ...adminErrors },
} as const;

/** POST /api/v1/users/:id/pin/generate. */
export const generateUserPinSchema = {
  ...admin,
  summary: 'Give a user a random PIN (customer admin); answered masked, the user sees it once',
  response: { 200: adminPinViewSchema, ...adminErrors },
} as const;

/** DELETE /api/v1/users/:id/pin. */
export const deleteUserPinSchema = {
  ...admin,
  summary: "Remove a user's PIN (customer admin)",
  response: { 204: { type: 'null' }, ...adminErrors },
} as const;

/** GET /api/v1/organizations/:id/pin-settings. */
export const getPinSettingsSchema = {
  ...admin,
  summary: "The PIN length of the caller's customer organization (customer admin)",
  response: { 200: pinSettingsSchema, ...adminErrors },
} as const;

/** PUT /api/v1/organizations/:id/pin-settings. */
export const setPinSettingsSchema = {
  ...admin,
  summary: 'Choose the PIN length (4, 5 or 6); existing PINs keep working until they are reset',
  body: pinSettingsSchema,
  response: { 200: pinSettingsSchema, 400: errorRef, ...adminErrors },
} as const;
