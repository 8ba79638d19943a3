// Wire types of logging a user in at an MFP (device token + credentials) and of the MFP session.
import { CARD_ID_PATTERN } from './cards.js';
import { errorRef } from './common.js';
import { deviceViewSchema } from './devices.js';
import type { DeviceView } from './devices.js';
import { organizationViewSchema } from './organizations.js';
import type { OrganizationView } from './organizations.js';
import { userViewSchema } from './users.js';
import type { UserView } from './users.js';

/** POST /api/v1/mfp/login body: one of three methods, each with exactly its own fields. */
export type MfpLoginBody =
  | { method: 'password'; username: string; password: string }
  | { method: 'pin'; username: string; pin: string }
  | { method: 'card'; cardId: string };

/** The fields each method takes besides `method`. */
export const MFP_LOGIN_FIELDS = {
  password: ['username', 'password'],
  pin: ['username', 'pin'],
  card: ['cardId'],
} as const;

/** POST /api/v1/mfp/login answer. */
export interface MfpLoginReply {
  /** Opaque token for the `CPS-MFP-Session` header, valid only with this device's token. */
  token: string;
  tokenType: 'MfpSession';
  /** Absolute end of the session (ISO 8601); an idle session ends sooner. */
  expiresAt: string;
  idleTimeoutSeconds: number;
  user: UserView;
}

/** GET /api/v1/mfp/me answer. */
export interface MfpMeReply {
  user: UserView;
  organization: OrganizationView;
  device: DeviceView;
  method: 'password' | 'pin' | 'card';
  expiresAt: string;
}

const security = [{ deviceAuth: [], mfpSession: [] }];

const methodIs = (method: string) => ({ properties: { method: { const: method } } });

/** Route schema of POST /api/v1/mfp/login. */
export const mfpLoginSchema = {
  tags: ['mfp'],
  summary: "Log a user of the device's organization in at this MFP (password, PIN or ID card)",
  security: [{ deviceAuth: [] }],
  body: {
    type: 'object',
    required: ['method'],
    additionalProperties: false,
    properties: {
      method: { type: 'string', enum: ['password', 'pin', 'card'] },
      username: { type: 'string', minLength: 1, maxLength: 256 },
      password: { type: 'string', minLength: 1, maxLength: 1024 },
      // Any stored PIN has 4 to 6 digits; the organization's current length matters only when setting one.
      pin: { type: 'string', pattern: '^[0-9]{4,6}$' },
      cardId: { type: 'string', pattern: CARD_ID_PATTERN },
    },
    allOf: [
      { if: methodIs('password'), then: { required: [...MFP_LOGIN_FIELDS.password] } },
      { if: methodIs('pin'), then: { required: [...MFP_LOGIN_FIELDS.pin] } },
      { if: methodIs('card'), then: { required: [...MFP_LOGIN_FIELDS.card] } },
    ],
  },
  response: {
    200: {
      type: 'object',
      required: ['token', 'tokenType', 'expiresAt', 'idleTimeoutSeconds', 'user'],
      additionalProperties: false,
      properties: {
        token: { type: 'string' },
        tokenType: { type: 'string', enum: ['MfpSession'] },
        expiresAt: { type: 'string', format: 'date-time' },
        idleTimeoutSeconds: { type: 'integer' },
        user: userViewSchema,
      },
    },
    400: errorRef,
    401: errorRef,
    403: errorRef,
    429: errorRef,
  },
} as const;

/** Route schema of POST /api/v1/mfp/logout. */
export const mfpLogoutSchema = {
  tags: ['mfp'],
  summary: 'End the MFP session at once',
  security,
  response: { 204: { type: 'null' }, 401: errorRef, 403: errorRef },
} as const;

/** Route schema of GET /api/v1/mfp/me. */
export const mfpMeSchema = {
  tags: ['mfp'],
  summary: 'Who is logged in at this MFP, how, and until when at the latest',
  security,
  response: {
    200: {
      type: 'object',
      required: ['user', 'organization', 'device', 'method', 'expiresAt'],
      additionalProperties: false,
      properties: {
        user: userViewSchema,
        organization: organizationViewSchema,
        device: deviceViewSchema,
        method: { type: 'string', enum: ['password', 'pin', 'card'] },
        expiresAt: { type: 'string', format: 'date-time' },
      },
    },
    401: errorRef,
    403: errorRef,
  },
} as const;
