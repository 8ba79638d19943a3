// ID cards on the web API (whitepaper 3.5: registered at the MFP, managed here), under /api/v1: the
// caller's own (/me/cards) and a user's for the customer admin (/users/:id/cards).
import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../../../context.js';
import { callerOf } from '../../../plugins/authenticate.js';
import {
  deleteOwnCardSchema,
  deleteUserCardSchema,
  listOwnCardsSchema,
  listUserCardsSchema,
} from '../../../schemas/cards.js';
import type { UserCardParams } from '../../../schemas/cards.js';
import type { UserParams } from '../../../schemas/users.js';
import { toCardView } from '../../../views.js';

/** Card routes of the web API. */
const cardRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.addHook('onRequest', ctx.authenticate);

  app.get('/me/cards', { schema: listOwnCardsSchema }, async (request) => ({
    cards: ctx.cardService.listOf(callerOf(request).user.id).map(toCardView),
  }));

  app.delete<{ Params: { id: string } }>(
    '/me/cards/:id',
    { schema: deleteOwnCardSchema },
    async (request, reply) => {
      ctx.cardService.delete(callerOf(request).user.id, request.params.id);
      return reply.code(204).send();
    },
  );

  app.get<{ Params: UserParams }>('/users/:id/cards', { schema: listUserCardsSchema }, async (request) => {
    const { target } = ctx.credentialAccess.manageable(callerOf(request), request.params.id);
    return { cards: ctx.cardService.listOf(target.id).map(toCardView) };
  });

  app.delete<{ Params: UserCardParams }>(
    '/users/:id/cards/:cardId',
    { schema: deleteUserCardSchema },
    async (request, reply) => {
      const { target } = ctx.credentialAccess.manageable(callerOf(request), request.params.id);
      ctx.cardService.delete(target.id, request.params.cardId);
      return reply.code(204).send();
    },
  );
};

export default cardRoutes;
