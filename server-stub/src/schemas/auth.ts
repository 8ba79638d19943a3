// Wire types of login, logout and the caller.
import { errorRef } from './common.js';
import { organizationViewSchema } from './organizations.js';
import type { OrganizationView } from './organizations.js';
import { ROLES, userViewSchema } from './users.js';
import type { Role, UserView } from './users.js';

/** POST /api/v1/auth/login body. */
export interface LoginBody {
  username: string;
  password: string;
  /** `desktop`: the session idles out after the organization's idle-logout policy (default `web`). */
  client?: 'web' | 'desktop';
}

/** POST /api/v1/auth/login answer. */
export interface LoginReply {
  /** Opaque bearer token for `Authorization: Bearer`. */
  token: string;
  tokenType: 'Bearer';
  /** Absolute end of the session (ISO 8601); an idle session ends sooner. */
  expiresAt: string;
  /** Idle timeout of the session in seconds. */
  idleTimeoutSeconds: number;
}

/** GET /api/v1/me answer. */
export interface MeReply {
  user: UserView;
  organization: OrganizationView;
  role: Role;
}

/** Route schema of POST /api/v1/auth/login. */
export const loginSchema = {
  tags: ['auth'],
  summary: 'Log in with username and password',
  body: {
    type: 'object',
    required: ['username', 'password'],
    additionalProperties: false,
    properties: {
      // Generous upper bounds: the password policy applies when a password is set, not here.
      username: { type: 'string', minLength: 1, maxLength: 256 },
      password: { type: 'string', minLength: 1, maxLength: 1024 },
      client: { type: 'string', enum: ['web', 'desktop'] },
    },
  },
  response: {
    200: {
      type: 'object',
      required: ['token', 'tokenType', 'expiresAt', 'idleTimeoutSeconds'],
      additionalProperties: false,
      properties: {
        token: { type: 'string' },
        tokenType: { type: 'string', enum: ['Bearer'] },
        expiresAt: { type: 'string', format: 'date-time' },
        idleTimeoutSeconds: { type: 'integer' },
      },
    },
    400: errorRef,
    401: errorRef,
    429: errorRef,
  },
} as const;

/** Route schema of POST /api/v1/auth/logout. */
export const logoutSchema = {
  tags: ['auth'],
  summary: 'End the current session at once',
  security: [{ bearerAuth: [] }],
  response: { 204: { type: 'null' }, 401: errorRef },
} as const;

/** Route schema of GET /api/v1/me. */
export const meSchema = {
  tags: ['auth'],
  summary: 'The caller: user, organization and role',
  security: [{ bearerAuth: [] }],
  response: {
    200: {
      type: 'object',
      required: ['user', 'organization', 'role'],
      additionalProperties: false,
      properties: {
        user: userViewSchema,
        organization: organizationViewSchema,
        role: { type: 'string', enum: [...ROLES] },
      },
    },
    401: errorRef,
  },
} as const;
