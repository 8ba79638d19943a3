// The job routes of the control API: list, read, download, submit, delete.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { IngestError, ingestPdf } from '../capture/ingest-pdf.js';
import { SpoolError } from '../spool/errors.js';
import type { JobStore } from '../spool/job-store.js';
import type { Logger } from '../log/logger.js';
import { contentDisposition } from './content-disposition.js';
import { errorSchema, idParamsSchema, jobSchema, listQuerySchema, submitQuerySchema } from './schemas.js';

/** What the job routes need. */
export interface JobsRoutesOptions {
  store: JobStore;
  maxUploadBytes: number;
  /** Owner of jobs submitted here: the desktop user until a session owner exists. */
  owner: () => string;
  /** The server id of the user logged in at capture (becomes the job's ownerId); default nobody. */
  ownerId?: () => string | null;
  log: Logger;
}

const NOT_FOUND = {
  error: 'not-found',
  message: 'There is no such job; it may have been printed or deleted.',
};

const INGEST_STATUS: Record<IngestError['kind'], number> = {
  'not-pdf': 415,
  'bad-pdf': 422,
  'too-large': 413,
  'disk-full': 507,
  storage: 500,
  unavailable: 503,
  aborted: 400,
};

async function refuse(reply: FastifyReply, status: number, error: string, message: string) {
  return reply.code(status).send({ error, message });
}

/** Registers the job routes. */
export function registerJobsRoutes(app: FastifyInstance, options: JobsRoutesOptions): void {
  const { store } = options;
  const errors = { 400: errorSchema, 401: errorSchema, 404: errorSchema };

  app.get<{ Querystring: { limit: number; cursor?: string } }>(
    '/v1/jobs',
    {
      schema: {
        querystring: listQuerySchema,
        response: {
          200: {
            type: 'object',
            required: ['jobs', 'next'],
            properties: { jobs: { type: 'array', items: jobSchema }, next: { type: ['string', 'null'] } },
          },
          ...errors,
        },
      },
    },
    async (request) => store.list(request.query.limit, request.query.cursor ?? null),
  );

  app.get<{ Params: { id: string } }>(
    '/v1/jobs/:id',
    { schema: { params: idParamsSchema, response: { 200: jobSchema, ...errors } } },
    async (request, reply) =>
      store.get(request.params.id) ?? refuse(reply, 404, NOT_FOUND.error, NOT_FOUND.message),
  );

  app.get<{ Params: { id: string } }>(
    '/v1/jobs/:id/document',
    { schema: { params: idParamsSchema, response: errors } },
    async (request, reply) => {
      const job = store.get(request.params.id);
      if (!job) return refuse(reply, 404, NOT_FOUND.error, NOT_FOUND.message);
      let opened;
      try {
        opened = await store.openDocument(job.id);
      } catch (err) {
        if (err instanceof SpoolError)
          return refuse(reply, err.code === 'not-found' ? 404 : 409, err.code, err.message);
        throw err;
      }
      const stream = opened.handle.createReadStream({ start: 0, end: Math.max(0, opened.size - 1) });
      return reply
        .type('application/pdf')
        .header('content-length', opened.size)
        .header('content-disposition', contentDisposition(job.name))
        .send(opened.size === 0 ? '' : stream);
    },
  );

  // The body is the document itself, streamed to disk; no parser may buffer it.
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, _payload, done) => done(null));
    scope.post<{ Querystring: { name?: string } }>(
      '/v1/jobs',
      { schema: { querystring: submitQuerySchema, response: { 201: jobSchema, ...errors } } },
      async (request, reply) => {
        const type = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
        if (type !== '' && type !== 'application/pdf' && type !== 'application/octet-stream') {
          reply.header('connection', 'close');
          return refuse(reply, 415, 'unsupported-media-type', 'Send the document as application/pdf.');
        }
        const declared = Number(request.headers['content-length'] ?? NaN);
        if (declared > options.maxUploadBytes) {
          reply.header('connection', 'close');
          return refuse(
            reply,
            413,
            'too-large',
            `The document is larger than the limit of ${options.maxUploadBytes} bytes.`,
          );
        }
        const ownerId = options.ownerId?.() ?? null;
        try {
          const job = await ingestPdf(
            store,
            request.raw,
            {
              name: request.query.name ?? 'Untitled document',
              owner: options.owner(),
              ...(ownerId === null ? {} : { ownerId }),
            },
            options.maxUploadBytes,
          );
          return await reply.code(201).header('location', `/v1/jobs/${job.id}`).send(job);
        } catch (err) {
          if (!(err instanceof IngestError)) throw err;
          if (!request.raw.complete) reply.header('connection', 'close');
          const status = INGEST_STATUS[err.kind];
          if (status >= 500) options.log.error('an upload failed', { error: err.cause ?? err });
          else options.log.info('an upload was refused', { reason: err.kind });
          return refuse(reply, status, err.kind, err.message);
        }
      },
    );
  });

  app.delete<{ Params: { id: string } }>(
    '/v1/jobs/:id',
    { schema: { params: idParamsSchema, response: { 204: { type: 'null' }, ...errors } } },
    async (request, reply) => {
      if (!(await store.remove(request.params.id)))
        return refuse(reply, 404, NOT_FOUND.error, NOT_FOUND.message);
      return reply.code(204).send();
    },
  );
}
