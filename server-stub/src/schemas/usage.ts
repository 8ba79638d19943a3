// Wire types of the job log and the usage reports.
import { errorRef } from './common.js';
import { jobLogViewSchema } from './jobs.js';

/** `?month=YYYY-MM` (UTC); the current month when absent. */
export const monthQuery = {
  type: 'string',
  pattern: '^[0-9]{4}-(0[1-9]|1[0-2])$',
} as const;

const totalsProperties = {
  jobs: { type: 'integer' },
  pages: { type: 'integer' },
  colorPages: { type: 'integer' },
  monoPages: { type: 'integer' },
  duplexPages: { type: 'integer' },
  sheets: { type: 'integer' },
} as const;
const totalsRequired = ['jobs', 'pages', 'colorPages', 'monoPages', 'duplexPages', 'sheets'];

/** Route schema of GET /api/v1/me/log. */
export const ownLogSchema = {
  tags: ['reports'],
  summary: "The caller's own job log for one month",
  security: [{ bearerAuth: [] }],
  querystring: {
    type: 'object',
    additionalProperties: false,
    properties: { month: monthQuery },
  },
  response: {
    200: {
      type: 'object',
      required: ['month', 'entries', 'totals'],
      additionalProperties: false,
      properties: {
        month: { type: 'string' },
        entries: { type: 'array', items: jobLogViewSchema },
        totals: {
          type: 'object',
          required: totalsRequired,
          additionalProperties: false,
          properties: totalsProperties,
        },
      },
    },
    400: errorRef,
    401: errorRef,
    403: errorRef,
  },
} as const;

/** How a usage report groups its rows. */
export type UsageGrouping = 'user' | 'group' | 'device';

/** Route schema of GET /api/v1/reports/usage. */
export const usageReportSchema = {
  tags: ['reports'],
  summary: "The customer admin's user, user-group and device report for one month",
  security: [{ bearerAuth: [] }],
  querystring: {
    type: 'object',
    required: ['by'],
    additionalProperties: false,
    properties: { month: monthQuery, by: { type: 'string', enum: ['user', 'group', 'device'] } },
  },
  response: {
    200: {
      type: 'object',
      required: ['month', 'by', 'rows'],
      additionalProperties: false,
      properties: {
        month: { type: 'string' },
        by: { type: 'string', enum: ['user', 'group', 'device'] },
        rows: {
          type: 'array',
          items: {
            type: 'object',
            required: ['id', 'label', ...totalsRequired],
            additionalProperties: false,
            properties: {
              /** The user id, group name or device id; null for deleted users or devices, or no group. */
              id: { type: ['string', 'null'] },
              label: { type: 'string' },
              ...totalsProperties,
            },
          },
        },
      },
    },
    400: errorRef,
    401: errorRef,
    403: errorRef,
  },
} as const;
