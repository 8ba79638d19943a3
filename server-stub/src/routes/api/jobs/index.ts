// /api/v1/jobs: the desktop registers the jobs it captured and uploads cloud-spooled documents; a user
// sees and cancels only their own jobs (Table 2-1: "can view own job data only").
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { AppContext } from '../../../context.js';
import { forbidden, HttpError } from '../../../errors.js';
import { callerOf } from '../../../plugins/authenticate.js';
import { desktopOf } from '../../../plugins/authenticate-desktop.js';
import { jobByIdSchema, jobViewSchema, listJobsSchema, registerJobSchema } from '../../../schemas/jobs.js';
import type { JobState, RegisterJobBody } from '../../../schemas/jobs.js';
import { permits } from '../../../services/policy.js';
import { toJobView } from '../../../views.js';

type ById = { Params: { id: string } };

/** The caller, if its role may hold print jobs at all. */
function jobHolder(request: FastifyRequest) {
  const caller = callerOf(request);
  if (!permits(caller.user.role, 'jobs.own', 'own')) throw forbidden();
  return caller;
}

/** Job routes for users and their desktops. */
const jobRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.addHook('onRequest', ctx.authenticate);

  app.get<{ Querystring: { state?: JobState } }>('', { schema: listJobsSchema }, async (request) => {
    const { user } = jobHolder(request);
    return { jobs: ctx.jobService.list(user, request.query.state).map(toJobView) };
  });

  app.get<ById>(
    '/:id',
    { schema: jobByIdSchema('One of the caller’s jobs', { 200: jobViewSchema }) },
    async (request) => toJobView(ctx.jobService.ownJob(jobHolder(request).user, request.params.id)),
  );

  app.post<ById>(
    '/:id/cancel',
    { schema: jobByIdSchema('Cancel one of the caller’s waiting jobs', { 200: jobViewSchema }) },
    async (request) => toJobView(await ctx.jobService.cancel(jobHolder(request).user, request.params.id)),
  );

  // What only the desktop does: it proves itself with its device token beside the user's session.
  await app.register(async (desktopScope) => {
    // The role first: a provider account holds no jobs, and a desktop token would not change that (403).
    desktopScope.addHook('onRequest', async (request) => {
      jobHolder(request);
    });
    desktopScope.addHook('onRequest', ctx.authenticateDesktop);

    desktopScope.post<{ Body: RegisterJobBody }>(
      '',
      { schema: registerJobSchema },
      async (request, reply) => {
        const { user } = jobHolder(request);
        if (request.body.size > ctx.maxDocumentBytes) {
          throw new HttpError(413, 'too_large', `Documents are limited to ${ctx.maxDocumentBytes} bytes.`);
        }
        const { job, created } = ctx.jobService.register(user, desktopOf(request), request.body);
        return reply.code(created ? 201 : 200).send(toJobView(job));
      },
    );

    // The document itself: streamed to the blob store, never parsed or buffered by Fastify.
    await desktopScope.register(async (uploadScope) => {
      uploadScope.removeAllContentTypeParsers();
      uploadScope.addContentTypeParser('*', (_request, _payload, done) => done(null));
      uploadScope.put<ById>(
        '/:id/document',
        {
          schema: {
            ...jobByIdSchema('Upload a cloud-spooled job’s PDF (restartable: send it whole again)', {
              200: jobViewSchema,
              413: { $ref: 'ErrorBody#' },
              415: { $ref: 'ErrorBody#' },
              422: { $ref: 'ErrorBody#' },
            }),
            consumes: ['application/pdf'],
          },
        },
        async (request, reply) => {
          const { user } = jobHolder(request);
          const type = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
          if (type !== 'application/pdf') {
            throw new HttpError(415, 'unsupported_media_type', 'Send the document as application/pdf.');
          }
          try {
            return toJobView(await ctx.jobService.upload(user, request.params.id, request.raw));
          } catch (err) {
            // The rest of a refused body is never read: the connection closes after the answer.
            if (!request.raw.complete) reply.header('connection', 'close');
            throw err;
          }
        },
      );
    });
  });
};

export default jobRoutes;
