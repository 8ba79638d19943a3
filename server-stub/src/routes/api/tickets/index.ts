// /api/v1/tickets/keys: the public key desktops verify MFP tickets with (fetched at login, used offline).
import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../../../context.js';
import { errorRef } from '../../../schemas/common.js';

const keysSchema = {
  tags: ['mfp'],
  summary: 'The Ed25519 public keys that sign MFP tickets (for the desktop to verify them offline)',
  security: [{ bearerAuth: [] }],
  response: {
    200: {
      type: 'object',
      required: ['keys'],
      additionalProperties: false,
      properties: {
        keys: {
          type: 'array',
          items: {
            type: 'object',
            required: ['kid', 'alg', 'publicKey'],
            additionalProperties: false,
            properties: {
              kid: { type: 'string' },
              alg: { type: 'string', enum: ['Ed25519'] },
              /** The raw 32-byte public key, base64url. */
              publicKey: { type: 'string' },
            },
          },
        },
      },
    },
    401: errorRef,
  },
} as const;

/** Ticket key routes: any logged-in user (the desktop asks right after login). */
const ticketRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.addHook('onRequest', ctx.authenticate);
  app.get('/keys', { schema: keysSchema }, async () => ({
    keys: [{ ...ctx.tickets.publicKey(), alg: 'Ed25519' as const }],
  }));
};

export default ticketRoutes;
