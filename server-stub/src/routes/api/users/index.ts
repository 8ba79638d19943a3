// /api/v1/users: users of the caller's customer organization.
import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../../../context.js';
import { forbidden, notFound } from '../../../errors.js';
import { callerOf } from '../../../plugins/authenticate.js';
import { createUserSchema, getUserSchema, listUsersSchema } from '../../../schemas/users.js';
import type { CreateUserBody, UserParams } from '../../../schemas/users.js';
import { permits } from '../../../services/policy.js';
import { toUserView } from '../../../views.js';

/** User routes. */
const userRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.addHook('onRequest', ctx.authenticate);

  app.post<{ Body: CreateUserBody }>('', { schema: createUserSchema }, async (request, reply) => {
    const { user, organization } = callerOf(request);
    if (organization.kind !== 'customer' || !permits(user.role, 'users.create', 'own')) throw forbidden();
    const created = await ctx.userService.create({ organizationId: organization.id, ...request.body });
    return reply.code(201).send(toUserView(created));
  });

  app.get('', { schema: listUsersSchema }, async (request) => {
    const { user, organization } = callerOf(request);
    if (organization.kind !== 'customer' || !permits(user.role, 'users.read', 'own')) throw forbidden();
    return { users: ctx.users.listByOrganization(organization.id).map(toUserView) };
  });

  app.get<{ Params: UserParams }>('/:id', { schema: getUserSchema }, async (request) => {
    const { user, organization } = callerOf(request);
    const target = ctx.users.findById(request.params.id);
    const visible =
      target !== undefined &&
      (target.id === user.id ||
        (target.organizationId === organization.id &&
          organization.kind === 'customer' &&
          permits(user.role, 'users.read', 'own')));
    // An unknown id and another tenant's id get the same answer.
    if (!target || !visible) throw notFound('user');
    return toUserView(target);
  });
};

export default userRoutes;
