// Bearer-token authentication: resolves the session, its user and organization for every protected route.
import type { FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { unauthorized } from '../errors.js';
import type { OrganizationsRepository, Organization } from '../repositories/organizations-repository.js';
import type { UsersRepository, User } from '../repositories/users-repository.js';
import type { SessionService } from '../services/session-service.js';

/** Who is calling, set on the request by the authenticate hook. */
export interface AuthContext {
  user: User;
  organization: Organization;
  tokenHash: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    auth: AuthContext | null;
  }
}

const BEARER = /^Bearer ([A-Za-z0-9_-]{20,200})$/;

/** The caller of an authenticated route (throws 401 if the hook did not run). */
export function callerOf(request: FastifyRequest): AuthContext {
  if (!request.auth) throw unauthorized();
  return request.auth;
}

/** Creates the onRequest hook (before body validation) that admits only a live session of an enabled user. */
export function createAuthenticate(deps: {
  sessions: SessionService;
  users: UsersRepository;
  organizations: OrganizationsRepository;
}): onRequestAsyncHookHandler {
  return async function authenticate(request, reply) {
    const match = BEARER.exec(request.headers.authorization ?? '');
    const session = match?.[1] ? deps.sessions.resolve(match[1]) : undefined;
    const user = session && deps.users.findById(session.userId);
    const organization = user && deps.organizations.findById(user.organizationId);
    if (!session || !user || user.disabled || !organization) {
      if (session) deps.sessions.revoke(session.tokenHash);
      reply.header('www-authenticate', 'Bearer');
      throw unauthorized();
    }
    request.auth = { user, organization, tokenHash: session.tokenHash };
  };
}
