// Contract reports (whitepaper section 2, Fig. 2-3) for provider admins and provider support.
import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../../../context.js';
import { forbidden } from '../../../errors.js';
import { callerOf } from '../../../plugins/authenticate.js';
import { contractReportSchema } from '../../../schemas/contract-reports.js';
import type { ContractReport } from '../../../schemas/contract-reports.js';
import { buildContractReport } from '../../../services/contract-report.js';
import { permits } from '../../../services/policy.js';

/** Report routes, registered under /api/v1/reports. */
const reportRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.addHook('onRequest', ctx.authenticate);

  app.get<{ Reply: ContractReport }>('/contracts', { schema: contractReportSchema }, async (request) => {
    const { user, organization } = callerOf(request);
    if (organization.kind !== 'provider' || !permits(user.role, 'reports.contracts', 'own'))
      throw forbidden();
    return buildContractReport(
      organization.id,
      ctx.organizations.listChildren(organization.id),
      ctx.contractReports.subtree(organization.id),
      ctx.now(),
    );
  });
};

export default reportRoutes;
