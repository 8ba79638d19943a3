// Wire types of organizations.
import { errorRef } from './common.js';
import { userViewSchema } from './users.js';

/** An organization as the API shows it. */
export interface OrganizationView {
  id: string;
  parentId: string | null;
  kind: 'provider' | 'customer';
  name: string;
}

/** JSON schema of OrganizationView. */
export const organizationViewSchema = {
  type: 'object',
  required: ['id', 'parentId', 'kind', 'name'],
  additionalProperties: false,
  properties: {
    id: { type: 'string' },
    parentId: { type: ['string', 'null'] },
    kind: { type: 'string', enum: ['provider', 'customer'] },
    name: { type: 'string' },
  },
} as const;

/** POST /api/v1/organizations body: a child of the caller's organization. */
export interface CreateOrganizationBody {
  kind: 'provider' | 'customer';
  name: string;
}

/** Route schema of POST /api/v1/organizations. */
export const createOrganizationSchema = {
  tags: ['organizations'],
  summary: "Create a child organization of the caller's provider organization",
  security: [{ bearerAuth: [] }],
  body: {
    type: 'object',
    required: ['kind', 'name'],
    additionalProperties: false,
    properties: {
      kind: { type: 'string', enum: ['provider', 'customer'] },
      name: { type: 'string', minLength: 1, maxLength: 200 },
    },
  },
  response: { 201: organizationViewSchema, 400: errorRef, 401: errorRef, 403: errorRef },
} as const;

/** Route schema of GET /api/v1/organizations (the caller's direct children). */
export const listOrganizationsSchema = {
  tags: ['organizations'],
  summary: "The direct children of the caller's organization",
  security: [{ bearerAuth: [] }],
  response: {
    200: {
      type: 'object',
      required: ['organizations'],
      additionalProperties: false,
      properties: { organizations: { type: 'array', items: organizationViewSchema } },
    },
    401: errorRef,
    403: errorRef,
  },
} as const;

/** Params with an organization id. */
export interface OrganizationParams {
  id: string;
}

const idParams = {
  type: 'object',
  required: ['id'],
  additionalProperties: false,
  properties: { id: { type: 'string', minLength: 1, maxLength: 64 } },
} as const;

/** Route schema of GET /api/v1/organizations/:id. */
export const getOrganizationSchema = {
  tags: ['organizations'],
  summary: "The caller's own organization or one of its direct children",
  security: [{ bearerAuth: [] }],
  params: idParams,
  response: { 200: organizationViewSchema, 401: errorRef, 404: errorRef },
} as const;

/** Route schema of POST /api/v1/organizations/:id/admins. */
export const createOrganizationAdminSchema = {
  tags: ['organizations'],
  summary: 'Create an admin of a direct child organization',
  security: [{ bearerAuth: [] }],
  params: idParams,
  body: {
    type: 'object',
    required: ['username', 'password'],
    additionalProperties: false,
    properties: {
      username: { type: 'string', pattern: '^[A-Za-z0-9._@-]{1,64}$' },
      password: { type: 'string', minLength: 1, maxLength: 1024 },
    },
  },
  response: { 201: userViewSchema, 400: errorRef, 401: errorRef, 404: errorRef, 409: errorRef },
} as const;
