// Wire types of per-user print quotas.
import { errorRef, idParamsSchema } from './common.js';

/** A user's quota: the user's own value, the organization's, and which one applies. */
export interface QuotaView {
  userId: string;
  /** The user's own monthly page quota; null means the user follows the organization's. */
  monthlyPageQuota: number | null;
  /** The organization's effective quota: the value, the organization it comes from, and whether it is locked. */
  organizationQuota: { value: number | null; from: string | null; locked: boolean };
  /** Pages the user may print per calendar month; null means no quota. */
  effectiveMonthlyPageQuota: number | null;
  /** Where the effective quota comes from (a locked organization quota caps the user's own). */
  source: 'user' | 'organization' | 'default';
}

/** PUT /api/v1/users/:id/quota body: a number of pages sets the user's quota, null clears it. */
export interface SetQuotaBody {
  monthlyPageQuota: number | null;
}

/** Params with a user id. */
export interface QuotaParams {
  id: string;
}

/** JSON schema of QuotaView. */
export const quotaViewSchema = {
  type: 'object',
  required: ['userId', 'monthlyPageQuota', 'organizationQuota', 'effectiveMonthlyPageQuota', 'source'],
  additionalProperties: false,
  properties: {
    userId: { type: 'string' },
    monthlyPageQuota: { type: ['integer', 'null'] },
    organizationQuota: {
      type: 'object',
      required: ['value', 'from', 'locked'],
      additionalProperties: false,
      properties: {
        value: { type: ['integer', 'null'] },
        from: { type: ['string', 'null'] },
        locked: { type: 'boolean' },
      },
    },
    effectiveMonthlyPageQuota: { type: ['integer', 'null'] },
    source: { type: 'string', enum: ['user', 'organization', 'default'] },
  },
} as const;

/** Route schema of GET /api/v1/users/:id/quota. */
export const getUserQuotaSchema = {
  tags: ['quotas'],
  summary: "A user's monthly page quota (print manager or customer admin of the user's organization)",
  security: [{ bearerAuth: [] }],
  params: idParamsSchema,
  response: { 200: quotaViewSchema, 401: errorRef, 403: errorRef, 404: errorRef },
} as const;

/** Route schema of PUT /api/v1/users/:id/quota. */
export const setUserQuotaSchema = {
  tags: ['quotas'],
  summary: "Set (pages) or clear (null) a user's own monthly page quota",
  security: [{ bearerAuth: [] }],
  params: idParamsSchema,
  body: {
    type: 'object',
    required: ['monthlyPageQuota'],
    additionalProperties: false,
    properties: {
      monthlyPageQuota: { type: ['integer', 'null'], description: 'Pages per month, 0 to 10000000' },
    },
  },
  response: {
    200: quotaViewSchema,
    400: errorRef,
    401: errorRef,
    403: errorRef,
    404: errorRef,
    409: errorRef,
  },
} as const;

/** Route schema of GET /api/v1/me/quota. */
export const ownQuotaSchema = {
  tags: ['quotas'],
  summary: "The caller's own monthly page quota",
  security: [{ bearerAuth: [] }],
  response: { 200: quotaViewSchema, 401: errorRef, 403: errorRef },
} as const;
