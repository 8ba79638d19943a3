// /api/v1/devices: registration within the licence, listing per Table 2-1, revocation, device-token check.
import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../../../context.js';
import { forbidden, HttpError, notFound } from '../../../errors.js';
import { callerOf } from '../../../plugins/authenticate.js';
import { deviceOf } from '../../../plugins/authenticate-device.js';
import {
  deviceSelfSchema,
  getDeviceSchema,
  listDevicesSchema,
  registerDesktopSchema,
  registerDeviceSchema,
  revokeDeviceSchema,
} from '../../../schemas/devices.js';
import type { DeviceParams, RegisterDesktopBody, RegisterDeviceBody } from '../../../schemas/devices.js';
import { permits, relationTo } from '../../../services/policy.js';
import type { Permission } from '../../../services/policy.js';
import { toDeviceView } from '../../../views.js';

/** Device routes for users (session) and, under /self, for devices (device token). */
const deviceRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  // The device's own view of itself: authenticated by its token, not by a user session.
  await app.register(async (deviceScope) => {
    deviceScope.addHook('onRequest', ctx.authenticateDevice);
    deviceScope.get('/self', { schema: deviceSelfSchema }, async (request) =>
      toDeviceView(deviceOf(request)),
    );
  });

  await app.register(async (userScope) => {
    userScope.addHook('onRequest', ctx.authenticate);

    /** The device with this id if the caller's role reaches its organization; else the one 404. */
    const visibleDevice = (request: Parameters<typeof callerOf>[0], id: string, permission: Permission) => {
      const { user, organization } = callerOf(request);
      const device = ctx.devices.findById(id);
      const owner = device && ctx.organizations.findById(device.organizationId);
      if (!device || !owner || !permits(user.role, permission, relationTo(organization.id, owner))) {
        throw notFound('device');
      }
      return device;
    };

    userScope.post<{ Body: RegisterDeviceBody }>(
      '',
      { schema: registerDeviceSchema },
      async (request, reply) => {
        const { user, organization } = callerOf(request);
        if (organization.kind !== 'customer' || !permits(user.role, 'devices.manage', 'own'))
          throw forbidden();
        const body = request.body;
        if (body.kind === 'desktop' && (body.serialNumber !== undefined || body.ipAddress !== undefined)) {
          throw new HttpError(
            400,
            'bad_request',
            'A desktop device is registered by its host name only; serialNumber and ipAddress are for MFPs.',
          );
        }
        // Read the licence afresh: the provider may have changed it since this session began.
        const current = ctx.organizations.findById(organization.id) ?? organization;
        const { device, token } = ctx.deviceService.register(current, body);
        return reply.code(201).send({ device: toDeviceView(device), token, tokenType: 'Device' });
      },
    );

    // Any user of a customer organization registers the desktop client it logs in on (design flow 1): the
    // client keeps the device token in the OS keychain and reuses it for later logins on that machine.
    userScope.post<{ Body: RegisterDesktopBody }>(
      '/desktop',
      { schema: registerDesktopSchema },
      async (request, reply) => {
        const { user, organization } = callerOf(request);
        if (organization.kind !== 'customer' || !permits(user.role, 'devices.register-desktop', 'own'))
          throw forbidden();
        const current = ctx.organizations.findById(organization.id) ?? organization;
        const { device, token } = ctx.deviceService.register(current, {
          kind: 'desktop',
          hostName: request.body.hostName,
        });
        return reply.code(201).send({ device: toDeviceView(device), token, tokenType: 'Device' });
      },
    );

    userScope.get('', { schema: listDevicesSchema }, async (request) => {
      const { user, organization } = callerOf(request);
      if (organization.kind === 'customer' && permits(user.role, 'devices.read', 'own')) {
        return { devices: ctx.devices.listByOrganization(organization.id).map(toDeviceView) };
      }
      if (organization.kind === 'provider' && permits(user.role, 'devices.read', 'child')) {
        return { devices: ctx.devices.listByParent(organization.id).map(toDeviceView) };
      }
      throw forbidden();
    });

    userScope.get<{ Params: DeviceParams }>('/:id', { schema: getDeviceSchema }, async (request) =>
      toDeviceView(visibleDevice(request, request.params.id, 'devices.read')),
    );

    userScope.post<{ Params: DeviceParams }>(
      '/:id/revoke',
      { schema: revokeDeviceSchema },
      async (request) => {
        const device = visibleDevice(request, request.params.id, 'devices.manage');
        return toDeviceView(ctx.deviceService.revoke(device));
      },
    );
  });
};

export default deviceRoutes;
