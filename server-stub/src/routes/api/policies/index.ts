// Organization policies: an organization's overrides and effective values (admins, support), changes to
// them, and the effective policy the desktop applies, for a logged-in user or for a device by its token.
import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../../../context.js';
import { forbidden } from '../../../errors.js';
import { callerOf } from '../../../plugins/authenticate.js';
import { deviceOf } from '../../../plugins/authenticate-device.js';
import {
  devicePolicySchema,
  effectivePolicySchema,
  getOrganizationPolicySchema,
  updateOrganizationPolicySchema,
} from '../../../schemas/organization-policies.js';
import type { EffectivePolicyReply, UpdatePolicyBody } from '../../../schemas/organization-policies.js';
import type { OrganizationParams } from '../../../schemas/organizations.js';
import { permits } from '../../../services/policy.js';

/** Policy routes, registered under /api/v1. */
const policyRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  const policies = ctx.organizationPolicies;

  // A desktop reads its organization's policy with its device token, before or without a user session.
  await app.register(async (deviceScope) => {
    deviceScope.addHook('onRequest', ctx.authenticateDevice);
    deviceScope.get<{ Reply: EffectivePolicyReply }>(
      '/policy/device',
      { schema: devicePolicySchema },
      async (request) => {
        const { organizationId } = deviceOf(request);
        return { organizationId, policy: policies.values(organizationId) };
      },
    );
  });

  await app.register(async (userScope) => {
    userScope.addHook('onRequest', ctx.authenticate);

    userScope.get<{ Reply: EffectivePolicyReply }>(
      '/policy/effective',
      { schema: effectivePolicySchema },
      async (request) => {
        const { user, organization } = callerOf(request);
        if (!permits(user.role, 'policies.effective', 'own')) throw forbidden();
        return { organizationId: organization.id, policy: policies.values(organization.id) };
      },
    );

    userScope.get<{ Params: OrganizationParams }>(
      '/organizations/:id/policy',
      { schema: getOrganizationPolicySchema },
      async (request) => policies.read(callerOf(request), request.params.id),
    );

    userScope.patch<{ Params: OrganizationParams; Body: UpdatePolicyBody }>(
      '/organizations/:id/policy',
      { schema: updateOrganizationPolicySchema },
      async (request) => policies.update(callerOf(request), request.params.id, request.body),
    );
  });
};

export default policyRoutes;
