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

/** A user as the API shows it: never a hash, a failure count or a lock. */
export interface UserView {
  id: string;
  username: string;
  role: Role;
  organizationId: string;
}

/** JSON schema of UserView. */
export const userViewSchema = {
  type: 'object',
  required: ['id', 'username', 'role', 'organizationId'],
  additionalProperties: false,
  properties: {
    id: { type: 'string' },
    username: { type: 'string' },
    role: { type: 'string', enum: [...ROLES] },
    organizationId: { type: 'string' },
  },
} as const;

/** Roles a customer admin may give to users of its organization. */
export const CUSTOMER_ROLES = ['customer_admin', 'customer_user', 'print_manager'] as const;

/** POST /api/v1/users body. */
export interface CreateUserBody {
  username: string;
  password: string;
  role: (typeof CUSTOMER_ROLES)[number];
}

/** Params with a user id. */
export interface UserParams {
  id: string;
}

/** Route schema of POST /api/v1/users (a user in the caller's customer organization). */
export const createUserSchema = {
  tags: ['users'],
  summary: "Create a user in the caller's customer organization",
  security: [{ bearerAuth: [] }],
  body: {
    type: 'object',
    required: ['username', 'password', 'role'],
    additionalProperties: false,
    properties: {
      username: { type: 'string', pattern: '^[A-Za-z0-9._@-]{1,64}$' },
      // The policy (not the schema) judges the password, so its message can name the failed rule.
      password: { type: 'string', minLength: 1, maxLength: 1024 },
      role: { type: 'string', enum: [...CUSTOMER_ROLES] },
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
