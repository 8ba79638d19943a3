// Desktop-client requests: a user's session (`Authorization: Bearer`) AND the desktop's device token
// (`CPS-Device: <token>`), so a job is tied both to its owner and to the machine that holds it.
import type { FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { HttpError } from '../errors.js';
import type { Device } from '../repositories/devices-repository.js';
import type { DeviceService } from '../services/device-service.js';
import { callerOf } from './authenticate.js';

const TOKEN = /^[A-Za-z0-9_-]{20,200}$/;

const desktopUnauthorized = () =>
  new HttpError(
    401,
    'unauthorized',
    'This request needs the desktop device token (CPS-Device header) of a live desktop of your organization; log in on the desktop again.',
  );

/** The calling desktop (throws 401 if the hook did not run). */
export function desktopOf(request: FastifyRequest): Device {
  if (!request.device || request.device.kind !== 'desktop') throw desktopUnauthorized();
  return request.device;
}

/** Creates the hook; it must run after the session hook (it needs the caller's organization). */
export function createAuthenticateDesktop(deps: { devices: DeviceService }): onRequestAsyncHookHandler {
  return async function authenticateDesktop(request) {
    const { organization } = callerOf(request);
    const header = request.headers['cps-device'];
    const token = typeof header === 'string' && TOKEN.test(header) ? header : undefined;
    const device = token ? deps.devices.resolve(token) : undefined;
    if (!device || device.kind !== 'desktop' || device.organizationId !== organization.id) {
      throw desktopUnauthorized();
    }
    request.device = device;
  };
}
