// Wire types of users.
import { errorRef, idParamsSchema } from './common.js';

/** The five user types of whitepaper Table 2-1. */
export const ROLES = [
  'provider_admin',
  'provider_support',
  'customer_admin',
  'customer_user',
  'print_manager',
] as const;

/** One of the five user types of whitepaper Table 2-1. */
export type Role = (typeof ROLES)[number];

/** Login names: 1 to 64 ASCII letters, digits and . _ @ - (so they are unambiguous and case-folded). */
export const USERNAME_PATTERN = /^[A-Za-z0-9._@-]{1,64}$/;

/** A user as the API shows it: never a hash or a failure count. */
export interface UserView {
  id: string;
  username: string;
  role: Role;
  organizationId: string;
  /** A disabled account cannot log in. */
  disabled: boolean;
  /** ISO 8601 end of a lockout in force, else null. */
  lockedUntil: string | null;
  /** The user's group (department, team) for the user-group report, or null. */
  group: string | null;
}

/** JSON schema of UserView. */
export const userViewSchema = {
  type: 'object',
  required: ['id', 'username', 'role', 'organizationId', 'disabled', 'lockedUntil', 'group'],
  additionalProperties: false,
  properties: {
    id: { type: 'string' },
    username: { type: 'string' },
    role: { type: 'string', enum: [...ROLES] },
    organizationId: { type: 'string' },
    disabled: { type: 'boolean' },
    lockedUntil: { type: ['string', 'null'], format: 'date-time' },
    group: { type: ['string', 'null'] },
  },
} as const;

/** The roles of a customer organization (given by its customer admins). */
export const CUSTOMER_ROLES = ['customer_admin', 'customer_user', 'print_manager'] as const;

/** The roles of a provider organization (given by its provider admins). */
export const PROVIDER_ROLES = ['provider_admin', 'provider_support'] as const;

/** POST /api/v1/users body. */
export interface CreateUserBody {
  username: string;
  password: string;
  role: Role;
}

/** PATCH /api/v1/users/:id body: a new role, a new group (null: none), or both. */
export interface UpdateUserBody {
  role?: Role;
  group?: string | null;
}

/** Params with a user id. */
export interface UserParams {
  id: string;
}

/** Route schema of POST /api/v1/users (a user in the caller's customer organization). */
export const createUserSchema = {
  tags: ['users'],
  summary: "Create a user in the caller's organization",
  security: [{ bearerAuth: [] }],
  body: {
    type: 'object',
    required: ['username', 'password', 'role'],
    additionalProperties: false,
    properties: {
      username: { type: 'string', pattern: '^[A-Za-z0-9._@-]{1,64}$' },
      // The policy (not the schema) judges the password, so its message can name the failed rule.
      password: { type: 'string', minLength: 1, maxLength: 1024 },
      // Which roles exist depends on the organization's kind: the route checks it with a clear message.
      role: { type: 'string', enum: [...ROLES] },
    },
  },
  response: { 201: userViewSchema, 400: errorRef, 401: errorRef, 403: errorRef, 409: errorRef },
} as const;

/** Route schema of GET /api/v1/users. */
export const listUsersSchema = {
  tags: ['users'],
  summary: "The users of the caller's customer organization",
  security: [{ bearerAuth: [] }],
  response: {
    200: {
      type: 'object',
      required: ['users'],
      additionalProperties: false,
      properties: { users: { type: 'array', items: userViewSchema } },
    },
    401: errorRef,
    403: errorRef,
  },
} as const;

/** Route schema of GET /api/v1/users/:id. */
export const getUserSchema = {
  tags: ['users'],
  summary: 'One user: the caller, or a user the caller may see',
  security: [{ bearerAuth: [] }],
  params: idParamsSchema,
  response: { 200: userViewSchema, 401: errorRef, 404: errorRef },
} as const;

/** Responses of the routes that change one account. */
const manageResponses = { 200: userViewSchema, 400: errorRef, 401: errorRef, 403: errorRef, 404: errorRef };

/** Route schema of PATCH /api/v1/users/:id (another user's role). */
export const updateUserSchema = {
  tags: ['users'],
  summary: "Change another user's role or group (the caller's organization)",
  security: [{ bearerAuth: [] }],
  params: idParamsSchema,
  body: {
    type: 'object',
    minProperties: 1,
    additionalProperties: false,
    properties: {
      role: { type: 'string', enum: [...ROLES] },
      group: { type: ['string', 'null'], minLength: 1, maxLength: 100, pattern: '^\\S(.*\\S)?$' },
    },
  },
  response: manageResponses,
} as const;

/** Route schema of the POST /api/v1/users/:id/{unlock,disable,enable} actions. */
export const userActionSchema = (summary: string) =>
  ({
    tags: ['users'],
    summary,
    security: [{ bearerAuth: [] }],
    params: idParamsSchema,
    response: manageResponses,
  }) as const;

/** Route schema of DELETE /api/v1/users/:id. */
export const deleteUserSchema = {
  tags: ['users'],
  summary: 'Delete another account with its sessions, PIN and ID cards',
  security: [{ bearerAuth: [] }],
  params: idParamsSchema,
  response: { 204: { type: 'null' }, 401: errorRef, 403: errorRef, 404: errorRef },
} as const;
