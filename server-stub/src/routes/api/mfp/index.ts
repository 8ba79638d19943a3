// /api/v1/mfp: an MFP (its device token) logs a user of its organization in with a password, a PIN or an
// ID card, and the user's MFP session then serves the MFP's requests for that user: who is logged in,
// logout, and registering an ID card (whitepaper 3.5: cards are registered at the MFP after a login).
import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../../../context.js';
import { HttpError } from '../../../errors.js';
import { deviceOf } from '../../../plugins/authenticate-device.js';
import { mfpOf } from '../../../plugins/authenticate-mfp-session.js';
import { registerCardSchema } from '../../../schemas/cards.js';
import type { RegisterCardBody } from '../../../schemas/cards.js';
import { MFP_LOGIN_FIELDS, mfpLoginSchema, mfpLogoutSchema, mfpMeSchema } from '../../../schemas/mfp.js';
import type { MfpLoginBody, MfpLoginReply, MfpMeReply } from '../../../schemas/mfp.js';
import { toCardView, toDeviceView, toOrganizationView, toUserView } from '../../../views.js';

/** The one answer for every refused MFP login (wrong or unknown credentials, locked, disabled, elsewhere). */
export const MFP_LOGIN_FAILED_MESSAGE =
  'The login was not accepted: the credentials are wrong or unknown here, or the account is locked for a while.';

/** MFP login and session routes. */
const mfpRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.post<{ Body: MfpLoginBody; Reply: MfpLoginReply }>(
    '/login',
    {
      schema: mfpLoginSchema,
      // The device hook runs first (route hooks precede the rate limit's), so the throttle counts per
      // MFP: an office's MFPs behind one NAT address do not share a budget, and a request with a bad
      // device token is refused before any credential is looked at.
      onRequest: ctx.authenticateMfpDevice,
      config: {
        rateLimit: {
          max: ctx.mfpLoginRateLimit.max,
          timeWindow: ctx.mfpLoginRateLimit.timeWindowMs,
          keyGenerator: (request) => (request.device ? `mfp:${request.device.id}` : `ip:${request.ip}`),
        },
      },
    },
    async (request) => {
      const body = request.body;
      const allowed: readonly string[] = MFP_LOGIN_FIELDS[body.method];
      const extra = Object.keys(body).filter((k) => k !== 'method' && !allowed.includes(k));
      if (extra.length > 0) {
        throw new HttpError(
          400,
          'bad_request',
          `A ${body.method} login takes ${allowed.join(' and ')} only; leave out ${extra.join(', ')}.`,
        );
      }
      const device = deviceOf(request);
      const result = await ctx.mfpAuth.login(device, body);
      if (!result.ok) {
        request.log.info(
          { reason: result.reason, method: body.method, device: device.id },
          'MFP login refused',
        );
        throw new HttpError(401, 'login_failed', MFP_LOGIN_FAILED_MESSAGE);
      }
      const session = ctx.mfpSessions.issue(result.user.id, device.id, result.method);
      return {
        token: session.token,
        tokenType: 'MfpSession',
        expiresAt: new Date(session.expiresAt).toISOString(),
        idleTimeoutSeconds: Math.floor(ctx.mfpSessionTimeouts.idleTimeoutMs / 1000),
        user: toUserView(result.user, ctx.now()),
      };
    },
  );

  app.post(
    '/logout',
    { schema: mfpLogoutSchema, onRequest: ctx.authenticateMfpSession },
    async (request, reply) => {
      ctx.mfpSessions.revoke(mfpOf(request).tokenHash);
      return reply.code(204).send();
    },
  );

  app.get<{ Reply: MfpMeReply }>(
    '/me',
    { schema: mfpMeSchema, onRequest: ctx.authenticateMfpSession },
    async (request) => {
      const { user, organization, device, method, expiresAt } = mfpOf(request);
      return {
        user: toUserView(user, ctx.now()),
        organization: toOrganizationView(organization),
        device: toDeviceView(device),
        method,
        expiresAt: new Date(expiresAt).toISOString(),
      };
    },
  );

  app.post<{ Body: RegisterCardBody }>(
    '/cards',
    { schema: registerCardSchema, onRequest: ctx.authenticateMfpSession },
    async (request, reply) => {
      const { user, device } = mfpOf(request);
      const { card, created } = ctx.cardService.register(user, device, request.body.cardId);
      return reply.code(created ? 201 : 200).send(toCardView(card));
    },
  );
};

export default mfpRoutes;
