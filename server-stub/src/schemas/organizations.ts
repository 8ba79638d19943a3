// Wire types of organizations.
import { errorRef, idParamsSchema } from './common.js';
import { userViewSchema } from './users.js';

/** An organization as the API shows it. */
export interface OrganizationView {
  id: string;
  parentId: string | null;
  kind: 'provider' | 'customer';
  name: string;
  /** Licence data: the most devices a customer may register at once; null for providers. */
  maxDevices: number | null;
}

/** The licence a new customer gets when its provider names none. */
export const DEFAULT_MAX_DEVICES = 10;

const maxDevicesSchema = { type: 'integer', minimum: 0, maximum: 100000 } as const;

/** JSON schema of OrganizationView. */
export const organizationViewSchema = {
  type: 'object',
  required: ['id', 'parentId', 'kind', 'name', 'maxDevices'],
  additionalProperties: false,
  properties: {
    id: { type: 'string' },
    parentId: { type: ['string', 'null'] },
    kind: { type: 'string', enum: ['provider', 'customer'] },
    name: { type: 'string' },
    maxDevices: { type: ['integer', 'null'] },
  },
} as const;

/** POST /api/v1/organizations body: a child of the caller's organization. */
export interface CreateOrganizationBody {
  kind: 'provider' | 'customer';
  name: string;
  /** Customers only; DEFAULT_MAX_DEVICES when left out. */
  maxDevices?: number;
}

/** PATCH /api/v1/organizations/:id body: what the parent provider may change. */
export interface UpdateOrganizationBody {
  name?: string;
  /** Customers only. */
  maxDevices?: number;
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
      maxDevices: maxDevicesSchema,
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

/** Route schema of GET /api/v1/organizations/:id. */
export const getOrganizationSchema = {
  tags: ['organizations'],
  summary: "The caller's own organization or one of its direct children",
  security: [{ bearerAuth: [] }],
  params: idParamsSchema,
  response: { 200: organizationViewSchema, 401: errorRef, 404: errorRef },
} as const;

/** Route schema of PATCH /api/v1/organizations/:id. */
export const updateOrganizationSchema = {
  tags: ['organizations'],
  summary: 'Rename a direct child organization or change its licence data',
  security: [{ bearerAuth: [] }],
  params: idParamsSchema,
  body: {
    type: 'object',
    additionalProperties: false,
    // Not minProperties: unknown properties are stripped first, so `{ extra: 1 }` would pass it.
    anyOf: [{ required: ['name'] }, { required: ['maxDevices'] }],
    properties: {
      name: { type: 'string', minLength: 1, maxLength: 200 },
      maxDevices: maxDevicesSchema,
    },
  },
  response: { 200: organizationViewSchema, 400: errorRef, 401: errorRef, 404: errorRef },
} as const;

/** Route schema of DELETE /api/v1/organizations/:id. */
export const deleteOrganizationSchema = {
  tags: ['organizations'],
  summary:
    'Delete a direct child organization with its users, devices, jobs and logs (not while it has children)',
  security: [{ bearerAuth: [] }],
  params: idParamsSchema,
  response: { 204: { type: 'null' }, 401: errorRef, 404: errorRef, 409: errorRef },
} as const;

/** Route schema of POST /api/v1/organizations/:id/admins. */
export const createOrganizationAdminSchema = {
  tags: ['organizations'],
  summary: 'Create an admin of a direct child organization',
  security: [{ bearerAuth: [] }],
  params: idParamsSchema,
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
