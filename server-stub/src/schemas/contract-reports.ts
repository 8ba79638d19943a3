// Wire types of the contract report (whitepaper section 2, Fig. 2-3): licence data flows upward, but a
// provider sees only its direct children by name; everything deeper arrives as one anonymous aggregate.
import { errorRef } from './common.js';

/** Licence totals of a set of customer organizations. */
export interface ContractTotals {
  /** Customer organizations counted. */
  customers: number;
  /** Sum of their licences (devices they may register at once). */
  maxDevices: number;
  /** Devices registered now (token not revoked). */
  registeredDevices: number;
  /** Accounts of those customers. */
  users: number;
}

/** A direct child of the caller's organization: by name, with its own data (customer) or its subtree's (provider). */
export interface ContractChildRow extends ContractTotals {
  id: string;
  name: string;
  kind: 'provider' | 'customer';
}

/** GET /api/v1/reports/contracts reply. */
export interface ContractReport {
  organizationId: string;
  generatedAt: string;
  children: ContractChildRow[];
  /** Every organization below the direct children, added up: no names, no ids, no per-organization numbers. */
  deeperDescendants: ContractTotals & { organizations: number };
}

const totals = {
  customers: { type: 'integer' },
  maxDevices: { type: 'integer' },
  registeredDevices: { type: 'integer' },
  users: { type: 'integer' },
} as const;

/** Route schema of GET /api/v1/reports/contracts. */
export const contractReportSchema = {
  tags: ['reports'],
  summary: 'Contract report: direct children by name, deeper descendants only as one anonymous aggregate',
  security: [{ bearerAuth: [] }],
  response: {
    200: {
      type: 'object',
      required: ['organizationId', 'generatedAt', 'children', 'deeperDescendants'],
      additionalProperties: false,
      properties: {
        organizationId: { type: 'string' },
        generatedAt: { type: 'string', format: 'date-time' },
        children: {
          type: 'array',
          items: {
            type: 'object',
            required: ['id', 'name', 'kind', ...Object.keys(totals)],
            additionalProperties: false,
            properties: {
              id: { type: 'string' },
              name: { type: 'string' },
              kind: { type: 'string', enum: ['provider', 'customer'] },
              ...totals,
            },
          },
        },
        deeperDescendants: {
          type: 'object',
          required: ['organizations', ...Object.keys(totals)],
          additionalProperties: false,
          properties: { organizations: { type: 'integer' }, ...totals },
        },
      },
    },
    401: errorRef,
    403: errorRef,
  },
} as const;
