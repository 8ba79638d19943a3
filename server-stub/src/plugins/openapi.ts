// The OpenAPI document at /docs/json and its browsable UI at /docs.
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';

/** Registers @fastify/swagger (collects every route schema) and the UI. Call before the routes. */
export async function registerOpenApi(app: FastifyInstance, version: string): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Cloud Print and Scan server', version },
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', description: 'Session token' },
          deviceAuth: {
            type: 'apiKey',
            in: 'header',
            name: 'Authorization',
            description: 'Device token: `Device <token>`',
          },
          mfpSession: {
            type: 'apiKey',
            in: 'header',
            name: 'CPS-MFP-Session',
            description: 'MFP user session from POST /api/v1/mfp/login, sent with the MFP device token',
          },
        },
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
}
