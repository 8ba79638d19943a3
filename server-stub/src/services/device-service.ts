// Device registration within the customer's licence, device tokens, and their revocation.
import { randomBytes, randomUUID } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import { HttpError } from '../errors.js';
import type { Device, DevicesRepository } from '../repositories/devices-repository.js';
import type { Organization } from '../repositories/organizations-repository.js';
import type { RegisterDeviceBody } from '../schemas/devices.js';
import { hashToken } from './session-service.js';

/** Registers devices and resolves device tokens. */
export type DeviceService = ReturnType<typeof createDeviceService>;

/** Creates the device service. */
export function createDeviceService(deps: { db: Database; devices: DevicesRepository; now: () => number }) {
  const { db, devices, now } = deps;
  return {
    /** Registers a device in a customer organization if its licence has room; returns it and its token. */
    register(organization: Organization, body: RegisterDeviceBody): { device: Device; token: string } {
      const token = randomBytes(32).toString('base64url');
      const device: Device = {
        id: randomUUID(),
        organizationId: organization.id,
        kind: body.kind,
        serialNumber: body.kind === 'mfp' ? body.serialNumber : null,
        hostName: body.hostName,
        ipAddress: body.kind === 'mfp' ? body.ipAddress : null,
        tokenHash: hashToken(token),
        createdAt: now(),
        revokedAt: null,
      };
      // Count and insert in one transaction, so the licence holds however requests interleave.
      db.transaction(() => {
        const max = organization.maxDevices ?? 0;
        if (devices.countActive(organization.id) >= max) {
          throw new HttpError(
            409,
            'device_limit_reached',
            `The licence of this organization allows ${max} devices and all are registered; revoke one or ask your provider for a larger licence.`,
          );
        }
        devices.insert(device);
      })();
      return { device, token };
    },
    /** The live (not revoked) device holding this token, or undefined. */
    resolve(token: string): Device | undefined {
      const device = devices.findByTokenHash(hashToken(token));
      return device && device.revokedAt === null ? device : undefined;
    },
    /** Revokes a device's token at once; returns the stored device afterwards. */
    revoke(device: Device): Device {
      devices.revoke(device.id, now());
      return devices.findById(device.id) ?? device;
    },
  };
}
