// MFP requests made for a logged-in user carry two credentials: the MFP's device token
// (`Authorization: Device <token>`) and the user's MFP session (`CPS-MFP-Session: <token>`). The session is
// bound to the device that logged the user in; a revoked device, a disabled or deleted user, or a session
// past its idle or absolute end is refused on the next request.
import type { FastifyInstance, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { HttpError } from '../errors.js';
import type { Device } from '../repositories/devices-repository.js';
import type { MfpLoginMethod } from '../repositories/mfp-sessions-repository.js';
import type { Organization, OrganizationsRepository } from '../repositories/organizations-repository.js';
import type { User, UsersRepository } from '../repositories/users-repository.js';
import type { MfpSessionService } from '../services/mfp-session-service.js';
import { deviceOf } from './authenticate-device.js';

/** Who is logged in at which MFP, set on the request by authenticateMfpSession. */
export interface MfpContext {
  user: User;
  organization: Organization;
  device: Device;
  tokenHash: string;
  method: MfpLoginMethod;
  expiresAt: number;
}

declare module 'fastify' {
  interface FastifyRequest {
    mfp: MfpContext | null;
  }
}

/** The header that carries the MFP session token. */
export const MFP_SESSION_HEADER = 'cps-mfp-session';

const TOKEN = /^[A-Za-z0-9_-]{20,200}$/;

/** 401: the one answer for a missing, unknown, expired, ended or foreign MFP session. */
export const mfpSessionUnauthorized = () =>
  new HttpError(
    401,
    'unauthorized',
    'The MFP session is missing, expired or ended; log in at the MFP again.',
  );

/** 403: a desktop client's device token on a route for MFPs. */
export const notAnMfp = () =>
  new HttpError(
    403,
    'not_an_mfp',
    'Only an MFP logs users in; this device token belongs to a desktop client. Use the token the MFP got at its registration.',
  );

/** The MFP session of the request (throws 401 if the hook did not run). */
export function mfpOf(request: FastifyRequest): MfpContext {
  if (!request.mfp) throw mfpSessionUnauthorized();
  return request.mfp;
}

/** Creates the hook that admits only a live MFP device token (401 otherwise, 403 for a desktop's). */
export function createAuthenticateMfpDevice(deps: {
  authenticateDevice: onRequestAsyncHookHandler;
}): onRequestAsyncHookHandler {
  return async function authenticateMfpDevice(this: FastifyInstance, request, reply) {
    await deps.authenticateDevice.call(this, request, reply);
    if (deviceOf(request).kind !== 'mfp') throw notAnMfp();
  };
}

/** Creates the hook that admits a live MFP session presented by the MFP it belongs to. */
export function createAuthenticateMfpSession(deps: {
  authenticateDevice: onRequestAsyncHookHandler;
  mfpSessions: MfpSessionService;
  users: UsersRepository;
  organizations: OrganizationsRepository;
}): onRequestAsyncHookHandler {
  const authenticateMfpDevice = createAuthenticateMfpDevice(deps);
  return async function authenticateMfpSession(this: FastifyInstance, request, reply) {
    await authenticateMfpDevice.call(this, request, reply);
    const device = deviceOf(request);
    const header = request.headers[MFP_SESSION_HEADER];
    const token = typeof header === 'string' && TOKEN.test(header) ? header : undefined;
    const resolved = token ? deps.mfpSessions.resolve(token, device.id) : undefined;
    if (!resolved?.ok) {
      if (resolved) request.log.info({ reason: resolved.reason }, 'MFP session refused');
      throw mfpSessionUnauthorized();
    }
    const { session } = resolved;
    const user = deps.users.findById(session.userId);
    const organization = user && deps.organizations.findById(user.organizationId);
    if (!user || user.disabled || !organization || organization.id !== device.organizationId) {
      deps.mfpSessions.revoke(session.tokenHash);
      throw mfpSessionUnauthorized();
    }
    request.mfp = {
      user,
      organization,
      device,
      tokenHash: session.tokenHash,
      method: session.method,
      expiresAt: session.expiresAt,
    };
  };
}
