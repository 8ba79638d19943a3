// Per-user monthly page quotas: a user's own, and the ones print managers and customer admins set.
import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../../../context.js';
import { callerOf } from '../../../plugins/authenticate.js';
import { getUserQuotaSchema, ownQuotaSchema, setUserQuotaSchema } from '../../../schemas/quotas.js';
import type { QuotaParams, SetQuotaBody } from '../../../schemas/quotas.js';

/** Quota routes, registered under /api/v1. */
const quotaRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.addHook('onRequest', ctx.authenticate);

  app.get('/me/quota', { schema: ownQuotaSchema }, async (request) => ctx.quotas.own(callerOf(request)));

  // An unknown id and an id out of the caller's sight get the same 404.
  app.get<{ Params: QuotaParams }>('/users/:id/quota', { schema: getUserQuotaSchema }, async (request) =>
    ctx.quotas.read(callerOf(request), request.params.id),
  );

  app.put<{ Params: QuotaParams; Body: SetQuotaBody }>(
    '/users/:id/quota',
    { schema: setUserQuotaSchema },
    async (request) => ctx.quotas.set(callerOf(request), request.params.id, request.body.monthlyPageQuota),
  );
};

export default quotaRoutes;
