// Device-token authentication (`Authorization: Device <token>`) for the routes MFPs and desktops call.
import type { FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { HttpError } from '../errors.js';
import type { Device } from '../repositories/devices-repository.js';
import type { DeviceService } from '../services/device-service.js';

declare module 'fastify' {
  interface FastifyRequest {
    device: Device | null;
  }
}

const DEVICE = /^Device ([A-Za-z0-9_-]{20,200})$/;

/** 401: the one answer for a missing, unknown or revoked device token. */
const deviceUnauthorized = () =>
  new HttpError(
    401,
    'unauthorized',
    'The device token is missing, unknown or revoked; register the device again.',
  );

/** The calling device (throws 401 if the hook did not run). */
export function deviceOf(request: FastifyRequest): Device {
  if (!request.device) throw deviceUnauthorized();
  return request.device;
}

/** Creates the onRequest hook that admits only a device whose token is not revoked (checked on every request). */
export function createAuthenticateDevice(deps: { devices: DeviceService }): onRequestAsyncHookHandler {
  return async function authenticateDevice(request, reply) {
    const match = DEVICE.exec(request.headers.authorization ?? '');
    const device = match?.[1] ? deps.devices.resolve(match[1]) : undefined;
    if (!device) {
      reply.header('www-authenticate', 'Device');
      throw deviceUnauthorized();
    }
    request.device = device;
  };
}
