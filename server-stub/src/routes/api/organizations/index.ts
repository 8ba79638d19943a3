// /api/v1/organizations: the caller's own organization and its direct children.
import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../../../context.js';
import { forbidden, HttpError, notFound } from '../../../errors.js';
import { callerOf } from '../../../plugins/authenticate.js';
import {
  createOrganizationAdminSchema,
  createOrganizationSchema,
  DEFAULT_MAX_DEVICES,
  deleteOrganizationSchema,
  getOrganizationSchema,
  listOrganizationsSchema,
  updateOrganizationSchema,
} from '../../../schemas/organizations.js';
import type {
  CreateOrganizationBody,
  OrganizationParams,
  UpdateOrganizationBody,
} from '../../../schemas/organizations.js';
import type { LoginBody } from '../../../schemas/auth.js';
import { permits, relationTo } from '../../../services/policy.js';
import { toOrganizationView, toUserView } from '../../../views.js';

const licenceOnlyForCustomers = () =>
  new HttpError(400, 'bad_request', 'Only a customer organization has a device licence (maxDevices).');

/** Organization routes. */
const organizationRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.addHook('onRequest', ctx.authenticate);

  app.post<{ Body: CreateOrganizationBody }>(
    '',
    { schema: createOrganizationSchema },
    async (request, reply) => {
      const { user, organization } = callerOf(request);
      if (!permits(user.role, 'organizations.create', 'own') || organization.kind !== 'provider')
        throw forbidden();
      const { kind, name, maxDevices } = request.body;
      if (kind !== 'customer' && maxDevices !== undefined) throw licenceOnlyForCustomers();
      const created = {
        id: randomUUID(),
        parentId: organization.id,
        kind,
        name,
        createdAt: ctx.now(),
        maxDevices: kind === 'customer' ? (maxDevices ?? DEFAULT_MAX_DEVICES) : null,
      };
      ctx.organizations.insert(created);
      return reply.code(201).send(toOrganizationView(created));
    },
  );

  app.get('', { schema: listOrganizationsSchema }, async (request) => {
    const { user, organization } = callerOf(request);
    if (!permits(user.role, 'organizations.read', 'child')) throw forbidden();
    return { organizations: ctx.organizations.listChildren(organization.id).map(toOrganizationView) };
  });

  app.get<{ Params: OrganizationParams }>('/:id', { schema: getOrganizationSchema }, async (request) => {
    const { user, organization } = callerOf(request);
    const target = ctx.organizations.findById(request.params.id);
    // An unknown id and one the caller may not see get the same answer.
    if (!target || !permits(user.role, 'organizations.read', relationTo(organization.id, target))) {
      throw notFound('organization');
    }
    return toOrganizationView(target);
  });

  app.patch<{ Params: OrganizationParams; Body: UpdateOrganizationBody }>(
    '/:id',
    { schema: updateOrganizationSchema },
    async (request) => {
      const { user, organization } = callerOf(request);
      const target = ctx.organizations.findById(request.params.id);
      if (!target || !permits(user.role, 'organizations.update', relationTo(organization.id, target))) {
        throw notFound('organization');
      }
      const { name, maxDevices } = request.body;
      if (target.kind !== 'customer' && maxDevices !== undefined) throw licenceOnlyForCustomers();
      const updated = { ...target, name: name ?? target.name, maxDevices: maxDevices ?? target.maxDevices };
      ctx.organizations.update(target.id, updated);
      return toOrganizationView(updated);
    },
  );

  app.delete<{ Params: OrganizationParams }>(
    '/:id',
    { schema: deleteOrganizationSchema },
    async (request, reply) => {
      const { user, organization } = callerOf(request);
      const target = ctx.organizations.findById(request.params.id);
      // The parent's provider admin only (the permission that creates and edits children).
      if (!target || !permits(user.role, 'organizations.update', relationTo(organization.id, target))) {
        throw notFound('organization');
      }
      await ctx.organizationDeletion.delete(target.id);
      return reply.code(204).send();
    },
  );

  app.post<{ Params: OrganizationParams; Body: LoginBody }>(
    '/:id/admins',
    { schema: createOrganizationAdminSchema },
    async (request, reply) => {
      const { user, organization } = callerOf(request);
      const target = ctx.organizations.findById(request.params.id);
      if (!target || !permits(user.role, 'organizations.create-admin', relationTo(organization.id, target))) {
        throw notFound('organization');
      }
      const admin = await ctx.userService.create({
        organizationId: target.id,
        username: request.body.username,
        password: request.body.password,
        role: target.kind === 'customer' ? 'customer_admin' : 'provider_admin',
      });
      return reply.code(201).send(toUserView(admin));
    },
  );
};

export default organizationRoutes;
