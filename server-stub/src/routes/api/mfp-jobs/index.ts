// /api/v1/mfp/jobs: release at the MFP (design flow 3). The MFP, logged in for one user, lists that
// user's ready jobs: a local job comes with its desktop's 5571 address, the desktop's certificate
// fingerprint and a short-lived ticket signed for this MFP and this user; a cloud job is fetched here. The
// MFP then reports each job printed, which logs it and removes it from the queue.
import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../../../context.js';
import { HttpError } from '../../../errors.js';
import { mfpOf } from '../../../plugins/authenticate-mfp-session.js';
import type { StoredJob } from '../../../repositories/jobs-repository.js';
import type { PrintedReport } from '../../../schemas/jobs.js';
import { mfpJobDocumentSchema, mfpJobListSchema, mfpJobPrintedSchema } from '../../../schemas/mfp-jobs.js';
import { toJobLogView, toJobView } from '../../../views.js';

type ById = { Params: { id: string } };

/** How long a ticket for a desktop stays valid: long enough to fetch, short enough to be useless later. */
export const TICKET_TTL_SECONDS = 120;

/** MFP job routes. */
const mfpJobRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.addHook('onRequest', ctx.authenticateMfpSession);

  app.get('', { schema: mfpJobListSchema }, async (request) => {
    const { user, device } = mfpOf(request);
    const ready = ctx.jobService.releasable(user);
    // One ticket per desktop, naming exactly the jobs of this user that wait there.
    const byDesktop = new Map<string, StoredJob[]>();
    for (const job of ready.filter((j) => j.spool === 'local')) {
      byDesktop.set(job.desktopId, [...(byDesktop.get(job.desktopId) ?? []), job]);
    }
    const tickets = new Map<string, { ticket: string; expiresAt: number }>();
    for (const [desktopId, jobs] of byDesktop) {
      tickets.set(
        desktopId,
        ctx.tickets.sign({
          desk: desktopId,
          mfp: device.id,
          sub: user.id,
          jobs: jobs.map((j) => j.clientJobId),
          ttlSeconds: TICKET_TTL_SECONDS,
        }),
      );
    }
    return {
      jobs: ready.map((job) => {
        if (job.spool === 'cloud')
          return { job: toJobView(job), fetch: { url: `/api/v1/mfp/jobs/${job.id}/document` } };
        const t = tickets.get(job.desktopId);
        return {
          job: toJobView(job),
          fetch: {
            url: `${job.location ?? ''}/v1/jobs/${job.clientJobId}/document`,
            ...(t ? { ticket: t.ticket, ticketExpiresAt: new Date(t.expiresAt).toISOString() } : {}),
            certSha256: job.certSha256,
          },
        };
      }),
    };
  });

  app.get<ById>('/:id/document', { schema: mfpJobDocumentSchema }, async (request, reply) => {
    const { user } = mfpOf(request);
    const job = ctx.jobService.ownJob(user, request.params.id);
    if (job.spool !== 'cloud' || job.state !== 'ready') {
      throw new HttpError(
        409,
        'not_available',
        'This job has no document here to print; list the jobs again.',
      );
    }
    const blob = await ctx.jobService.openDocument(job);
    if (!blob)
      throw new HttpError(
        409,
        'not_available',
        'This job has no document here to print; list the jobs again.',
      );
    return reply
      .type('application/pdf')
      .header('content-length', blob.size)
      .header('cache-control', 'no-store')
      .send(blob.stream());
  });

  app.post<ById & { Body: PrintedReport }>(
    '/:id/printed',
    { schema: mfpJobPrintedSchema },
    async (request) => {
      const { user, device } = mfpOf(request);
      return toJobLogView(await ctx.jobService.markPrinted(user, device, request.params.id, request.body));
    },
  );
};

export default mfpJobRoutes;
