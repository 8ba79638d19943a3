// PINs (whitepaper 3.4), under /api/v1: the caller's own (/me/pin), a user's for the customer admin
// (/users/:id/pin), and the organization's PIN length (/organizations/:id/pin-settings).
import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../../../context.js';
import { callerOf } from '../../../plugins/authenticate.js';
import type { UserParams } from '../../../schemas/users.js';
import {
  deleteOwnPinSchema,
  deleteUserPinSchema,
  generateOwnPinSchema,
  generateUserPinSchema,
  getOwnPinSchema,
  getPinSettingsSchema,
  getUserPinSchema,
  setOwnPinSchema,
  setPinSettingsSchema,
  setUserPinSchema,
} from '../../../schemas/pins.js';
import type { PinSettings, SetPinBody } from '../../../schemas/pins.js';

/** How often sealed copies past their 7 days are deleted (besides at start). */
const REVEAL_SWEEP_MS = 10 * 60_000;

/** PIN routes. */
const pinRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.addHook('onRequest', ctx.authenticate);

  // A sealed copy must not outlive its 7 days on disk merely because nobody asked for it.
  ctx.pinService.dropExpiredReveals();
  const sweep = setInterval(() => {
    try {
      ctx.pinService.dropExpiredReveals();
    } catch (err) {
      app.log.error({ err }, 'deleting expired PIN copies failed');
    }
  }, REVEAL_SWEEP_MS);
  sweep.unref();
  app.addHook('onClose', async () => clearInterval(sweep));

  const self = (request: Parameters<typeof callerOf>[0]) => {
    const { user, organization } = callerOf(request);
    return [user, organization] as const;
  };

  // Reading the view may use up the one reveal of an admin-made PIN; the HEAD twin of this route (a link
  // checker, a proxy) must not burn it without anyone seeing the body.
  app.get('/me/pin', { schema: getOwnPinSchema }, async (request) =>
    ctx.pinService.ownView(...self(request), { reveal: request.method === 'GET' }),
  );

  app.put<{ Body: SetPinBody }>('/me/pin', { schema: setOwnPinSchema }, async (request) =>
    ctx.pinService.setOwn(...self(request), request.body.pin),
  );

  app.post('/me/pin/generate', { schema: generateOwnPinSchema }, async (request) =>
    ctx.pinService.generateOwn(...self(request)),
  );

  app.delete('/me/pin', { schema: deleteOwnPinSchema }, async (request, reply) => {
    ctx.pinService.deleteOwn(...self(request));
    return reply.code(204).send();
  });

  const target = (request: Parameters<typeof callerOf>[0] & { params: UserParams }) => {
    const { target, organization } = ctx.credentialAccess.manageable(callerOf(request), request.params.id);
    return [target, organization] as const;
  };

  app.get<{ Params: UserParams }>('/users/:id/pin', { schema: getUserPinSchema }, async (request) =>
    ctx.pinService.adminView(...target(request)),
  );

  app.put<{ Params: UserParams; Body: SetPinBody }>(
    '/users/:id/pin',
    { schema: setUserPinSchema },
    async (request) => ctx.pinService.setByAdmin(...target(request), request.body.pin),
  );

  app.post<{ Params: UserParams }>(
    '/users/:id/pin/generate',
    { schema: generateUserPinSchema },
    async (request) => ctx.pinService.generateByAdmin(...target(request)),
  );

  app.delete<{ Params: UserParams }>(
    '/users/:id/pin',
    { schema: deleteUserPinSchema },
    async (request, reply) => {
      ctx.pinService.deleteByAdmin(...target(request));
      return reply.code(204).send();
    },
  );

  app.get<{ Params: { id: string } }>(
    '/organizations/:id/pin-settings',
    { schema: getPinSettingsSchema },
    async (request) => {
      const organization = ctx.credentialAccess.settingsOf(callerOf(request), request.params.id);
      return { pinLength: ctx.pinService.lengthOf(organization) };
    },
  );

  app.put<{ Params: { id: string }; Body: PinSettings }>(
    '/organizations/:id/pin-settings',
    { schema: setPinSettingsSchema },
    async (request) => {
      const organization = ctx.credentialAccess.settingsOf(callerOf(request), request.params.id);
      return { pinLength: ctx.pinService.setLength(organization, request.body.pinLength) };
    },
  );
};

export default pinRoutes;
