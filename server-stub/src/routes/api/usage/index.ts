// The job log and usage reports of Table 2-1: a user sees their own log; the customer admin sees the
// organization's report by user and by device; providers and print managers see neither.
import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../../../context.js';
import { forbidden } from '../../../errors.js';
import { callerOf } from '../../../plugins/authenticate.js';
import type { UsageTotals } from '../../../repositories/job-logs-repository.js';
import { ownLogSchema, usageReportSchema } from '../../../schemas/usage.js';
import type { UsageGrouping } from '../../../schemas/usage.js';
import { permits } from '../../../services/policy.js';
import { toJobLogView } from '../../../views.js';

/** [start, end) of a UTC month given as YYYY-MM, or of the month of `now`. */
export function monthRange(
  month: string | undefined,
  now: number,
): { month: string; from: number; to: number } {
  const d = new Date(now);
  const [y, m] = month ? month.split('-').map(Number) : [d.getUTCFullYear(), d.getUTCMonth() + 1];
  const year = y ?? d.getUTCFullYear();
  const index = (m ?? 1) - 1;
  return {
    month: `${String(year).padStart(4, '0')}-${String(index + 1).padStart(2, '0')}`,
    from: Date.UTC(year, index, 1),
    to: Date.UTC(year, index + 1, 1),
  };
}

const sum = (rows: UsageTotals[]) => {
  const totals = { jobs: 0, pages: 0, colorPages: 0, monoPages: 0, duplexPages: 0, sheets: 0 };
  for (const r of rows) {
    for (const k of Object.keys(totals) as (keyof typeof totals)[]) totals[k] += Number(r[k] ?? 0);
  }
  return totals;
};

/** Usage routes. */
const usageRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.addHook('onRequest', ctx.authenticate);

  app.get<{ Querystring: { month?: string } }>('/me/log', { schema: ownLogSchema }, async (request) => {
    const { user } = callerOf(request);
    if (!permits(user.role, 'reports.own', 'own')) throw forbidden();
    const range = monthRange(request.query.month, ctx.now());
    const entries = ctx.jobLogs.listOfUser(user.id, range.from, range.to);
    const totals = sum(
      entries.map((e) => ({
        key: null,
        jobs: 1,
        pages: e.pages,
        colorPages: e.color ? e.pages : 0,
        monoPages: e.color ? 0 : e.pages,
        duplexPages: e.duplex ? e.pages : 0,
        sheets: e.sheets,
      })),
    );
    return { month: range.month, entries: entries.map(toJobLogView), totals };
  });

  app.get<{ Querystring: { month?: string; by: UsageGrouping } }>(
    '/reports/usage',
    { schema: usageReportSchema },
    async (request) => {
      const { user, organization } = callerOf(request);
      if (organization.kind !== 'customer' || !permits(user.role, 'reports.customer', 'own'))
        throw forbidden();
      const range = monthRange(request.query.month, ctx.now());
      const by = request.query.by;
      const rows =
        by === 'user'
          ? ctx.jobLogs.totalsByUser(organization.id, range.from, range.to)
          : by === 'group'
            ? ctx.jobLogs.totalsByGroup(organization.id, range.from, range.to)
            : ctx.jobLogs.totalsByDevice(organization.id, range.from, range.to);
      const label = (id: string | null): string => {
        if (by === 'group') return id ?? '(no group)';
        if (id === null) return by === 'user' ? '(deleted user)' : '(deleted device)';
        if (by === 'user') return ctx.users.findById(id)?.username ?? '(deleted user)';
        return ctx.devices.findById(id)?.hostName ?? '(deleted device)';
      };
      return {
        month: range.month,
        by,
        rows: rows.map((r) => ({ ...sum([r]), id: r.key, label: label(r.key) })),
      };
    },
  );
};

export default usageRoutes;
