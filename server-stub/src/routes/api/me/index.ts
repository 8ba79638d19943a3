// GET /api/v1/me: the caller.
import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../../../context.js';
import { callerOf } from '../../../plugins/authenticate.js';
import { meSchema } from '../../../schemas/auth.js';
import type { MeReply } from '../../../schemas/auth.js';
import { toOrganizationView, toUserView } from '../../../views.js';

/** The route that tells a client who it is logged in as. */
const meRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get<{ Reply: MeReply }>('/me', { schema: meSchema, onRequest: ctx.authenticate }, async (request) => {
    const { user, organization } = callerOf(request);
    return { user: toUserView(user), organization: toOrganizationView(organization), role: user.role };
  });
};

export default meRoutes;
