// /api/v1/users: the accounts of the caller's organization, and their administration.
import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../../../context.js';
import { forbidden, HttpError } from '../../../errors.js';
import { callerOf } from '../../../plugins/authenticate.js';
import {
  createUserSchema,
  deleteUserSchema,
  getUserSchema,
  listUsersSchema,
  updateUserSchema,
  userActionSchema,
} from '../../../schemas/users.js';
import type { CreateUserBody, UpdateUserBody, UserParams } from '../../../schemas/users.js';
import { rolesFor } from '../../../services/account-admin.js';
import { permits } from '../../../services/policy.js';
import { toUserView } from '../../../views.js';

/** User routes. */
const userRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.addHook('onRequest', ctx.authenticate);
  const view = (u: Parameters<typeof toUserView>[0]) => toUserView(u, ctx.now());

  app.post<{ Body: CreateUserBody }>('', { schema: createUserSchema }, async (request, reply) => {
    const { user, organization } = callerOf(request);
    if (!permits(user.role, 'users.create', 'own')) throw forbidden();
    const roles = rolesFor(organization.kind);
    if (!roles.includes(request.body.role)) {
      throw new HttpError(
        400,
        'bad_request',
        `A ${organization.kind} organization has the roles ${roles.join(', ')}; ${request.body.role} is not one of them.`,
      );
    }
    const created = await ctx.userService.create({ organizationId: organization.id, ...request.body });
    return reply.code(201).send(view(created));
  });

  app.get('', { schema: listUsersSchema }, async (request) => {
    const { user, organization } = callerOf(request);
    if (!permits(user.role, 'users.read', 'own')) throw forbidden();
    return { users: ctx.users.listByOrganization(organization.id).map(view) };
  });

  // An unknown id and an id out of the caller's sight get the same 404.
  app.get<{ Params: UserParams }>('/:id', { schema: getUserSchema }, async (request) =>
    view(ctx.accountAdmin.read(callerOf(request), request.params.id)),
  );

  app.patch<{ Params: UserParams; Body: UpdateUserBody }>(
    '/:id',
    { schema: updateUserSchema },
    async (request) => view(ctx.accountAdmin.update(callerOf(request), request.params.id, request.body)),
  );

  app.post<{ Params: UserParams }>(
    '/:id/unlock',
    { schema: userActionSchema('End a lockout early') },
    async (request) => view(ctx.accountAdmin.unlock(callerOf(request), request.params.id)),
  );

  app.post<{ Params: UserParams }>(
    '/:id/disable',
    { schema: userActionSchema('Disable an account; its sessions end at once') },
    async (request) => view(ctx.accountAdmin.setDisabled(callerOf(request), request.params.id, true)),
  );

  app.post<{ Params: UserParams }>(
    '/:id/enable',
    { schema: userActionSchema('Enable a disabled account') },
    async (request) => view(ctx.accountAdmin.setDisabled(callerOf(request), request.params.id, false)),
  );

  app.delete<{ Params: UserParams }>('/:id', { schema: deleteUserSchema }, async (request, reply) => {
    ctx.accountAdmin.delete(callerOf(request), request.params.id);
    return reply.code(204).send();
  });
};

export default userRoutes;
