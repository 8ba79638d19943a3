// Wire types of the MFP's release flow: the logged-in user's jobs with where to fetch each document.
import { errorRef, idParamsSchema } from './common.js';
import { jobLogViewSchema, jobViewSchema, printedReportSchema } from './jobs.js';

/** Route schema of GET /api/v1/mfp/jobs. */
export const mfpJobListSchema = {
  tags: ['mfp'],
  summary: "The MFP session user's jobs ready for release, each with where to fetch its document",
  security: [{ deviceAuth: [], mfpSession: [] }],
  response: {
    200: {
      type: 'object',
      required: ['jobs'],
      additionalProperties: false,
      properties: {
        jobs: {
          type: 'array',
          items: {
            type: 'object',
            required: ['job', 'fetch'],
            additionalProperties: false,
            properties: {
              job: jobViewSchema,
              fetch: {
                type: 'object',
                required: ['url'],
                additionalProperties: false,
                properties: {
                  /** Absolute (desktop, 5571) or server-relative (cloud) URL of the PDF. */
                  url: { type: 'string' },
                  /** Local spool: `Authorization: Bearer <ticket>` for the desktop. */
                  ticket: { type: 'string' },
                  ticketExpiresAt: { type: 'string', format: 'date-time' },
                  /** Local spool over HTTPS: pin the desktop's certificate to this SHA-256 (hex). */
                  certSha256: { type: ['string', 'null'] },
                },
              },
            },
          },
        },
      },
    },
    401: errorRef,
    403: errorRef,
  },
} as const;

/** Route schema of GET /api/v1/mfp/jobs/:id/document (cloud spool). */
export const mfpJobDocumentSchema = {
  tags: ['mfp'],
  summary: 'The PDF of a cloud-spooled job of the MFP session user',
  security: [{ deviceAuth: [], mfpSession: [] }],
  params: idParamsSchema,
  produces: ['application/pdf'],
  response: { 200: {}, 401: errorRef, 404: errorRef, 409: errorRef },
} as const;

/** Route schema of POST /api/v1/mfp/jobs/:id/printed. */
export const mfpJobPrintedSchema = {
  tags: ['mfp'],
  summary: 'Report a job printed (pages, colour, duplex): logged, and the job leaves the queue',
  security: [{ deviceAuth: [], mfpSession: [] }],
  params: idParamsSchema,
  body: printedReportSchema,
  response: { 200: jobLogViewSchema, 400: errorRef, 401: errorRef, 404: errorRef, 409: errorRef },
} as const;
