// Wire types of jobs, the job log and the MFP's release flow.
import { errorRef, idParamsSchema } from './common.js';

/** States of a job on the server: waiting for its cloud upload, waiting for release, printed, canceled. */
export const JOB_STATES = ['awaiting_upload', 'ready', 'printed', 'canceled'] as const;
export type JobState = (typeof JOB_STATES)[number];

/** Where the document waits: on the desktop (local) or in the server's blob store (cloud). */
export type SpoolMode = 'local' | 'cloud';

/** Print options, as the desktop's Job has them. */
export interface JobOptions {
  copies: number;
  sides: 'one-sided' | 'two-sided-long-edge' | 'two-sided-short-edge';
  colorMode: 'auto' | 'color' | 'monochrome';
  media: string;
}

const jobOptionsSchema = {
  type: 'object',
  required: ['copies', 'sides', 'colorMode', 'media'],
  additionalProperties: false,
  properties: {
    copies: { type: 'integer', minimum: 1, maximum: 999 },
    sides: { type: 'string', enum: ['one-sided', 'two-sided-long-edge', 'two-sided-short-edge'] },
    colorMode: { type: 'string', enum: ['auto', 'color', 'monochrome'] },
    media: { type: 'string', pattern: '^[A-Za-z0-9._-]{1,64}$' },
  },
} as const;

/** A job as the API shows it. */
export interface JobView {
  id: string;
  clientJobId: string;
  desktopId: string;
  spool: SpoolMode;
  name: string;
  pages: number;
  size: number;
  sha256: string;
  options: JobOptions;
  state: JobState;
  createdAt: string;
  expiresAt: string;
}

export const jobViewSchema = {
  type: 'object',
  required: [
    'id',
    'clientJobId',
    'desktopId',
    'spool',
    'name',
    'pages',
    'size',
    'sha256',
    'options',
    'state',
    'createdAt',
    'expiresAt',
  ],
  additionalProperties: false,
  properties: {
    id: { type: 'string' },
    clientJobId: { type: 'string' },
    desktopId: { type: 'string' },
    spool: { type: 'string', enum: ['local', 'cloud'] },
    name: { type: 'string' },
    pages: { type: 'integer' },
    size: { type: 'integer' },
    sha256: { type: 'string' },
    options: jobOptionsSchema,
    state: { type: 'string', enum: [...JOB_STATES] },
    createdAt: { type: 'string', format: 'date-time' },
    expiresAt: { type: 'string', format: 'date-time' },
  },
} as const;

/** POST /api/v1/jobs body: the desktop registers a job it captured. */
export interface RegisterJobBody {
  clientJobId: string;
  spool: SpoolMode;
  name: string;
  pages: number;
  size: number;
  sha256: string;
  options: JobOptions;
  /** Local spool: the desktop's MFP job server, e.g. `https://192.0.2.7:5571`. */
  location?: string;
  /** Local spool over HTTPS: SHA-256 (hex) of the desktop's certificate. */
  certSha256?: string;
}

export const registerJobSchema = {
  tags: ['jobs'],
  summary: 'Register a captured job (desktop; idempotent on the desktop and its job id)',
  security: [{ bearerAuth: [], deviceAuth: [] }],
  body: {
    type: 'object',
    required: ['clientJobId', 'spool', 'name', 'pages', 'size', 'sha256', 'options'],
    additionalProperties: false,
    properties: {
      clientJobId: { type: 'string', pattern: '^[0-9a-f]{32}$' },
      spool: { type: 'string', enum: ['local', 'cloud'] },
      name: { type: 'string', minLength: 1, maxLength: 255 },
      pages: { type: 'integer', minimum: 0, maximum: 1_000_000 },
      size: { type: 'integer', minimum: 1, maximum: 2 ** 40 },
      sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' },
      options: jobOptionsSchema,
      location: { type: 'string', pattern: '^https?://[A-Za-z0-9.:\\[\\]-]{1,255}$' },
      certSha256: { type: 'string', pattern: '^[0-9a-f]{64}$' },
    },
    if: { properties: { spool: { const: 'local' } } },
    then: { required: ['location'] },
  },
  response: {
    200: jobViewSchema,
    201: jobViewSchema,
    400: errorRef,
    401: errorRef,
    403: errorRef,
    409: errorRef,
  },
} as const;

export const listJobsSchema = {
  tags: ['jobs'],
  summary: "The caller's own jobs (never another user's)",
  security: [{ bearerAuth: [] }],
  querystring: {
    type: 'object',
    additionalProperties: false,
    properties: { state: { type: 'string', enum: [...JOB_STATES] } },
  },
  response: {
    200: {
      type: 'object',
      required: ['jobs'],
      additionalProperties: false,
      properties: { jobs: { type: 'array', items: jobViewSchema } },
    },
    400: errorRef,
    401: errorRef,
    403: errorRef,
  },
} as const;

export const jobByIdSchema = (summary: string, ok: object) =>
  ({
    tags: ['jobs'],
    summary,
    security: [{ bearerAuth: [] }],
    params: idParamsSchema,
    response: { ...ok, 400: errorRef, 401: errorRef, 403: errorRef, 404: errorRef, 409: errorRef },
  }) as const;

/** What the MFP reports after printing a job. */
export interface PrintedReport {
  /** Page impressions printed (all copies). */
  pages: number;
  /** Sheets of paper used; derived from pages and duplex when absent. */
  sheets?: number;
  color: boolean;
  duplex: boolean;
}

export const printedReportSchema = {
  type: 'object',
  required: ['pages', 'color', 'duplex'],
  additionalProperties: false,
  properties: {
    pages: { type: 'integer', minimum: 0, maximum: 1_000_000 },
    sheets: { type: 'integer', minimum: 0, maximum: 1_000_000 },
    color: { type: 'boolean' },
    duplex: { type: 'boolean' },
  },
} as const;

/** One entry of a job log as the API shows it. */
export interface JobLogView {
  jobId: string;
  name: string | null;
  deviceId: string | null;
  spool: SpoolMode;
  pages: number;
  sheets: number;
  color: boolean;
  duplex: boolean;
  printedAt: string;
}

export const jobLogViewSchema = {
  type: 'object',
  required: ['jobId', 'name', 'deviceId', 'spool', 'pages', 'sheets', 'color', 'duplex', 'printedAt'],
  additionalProperties: false,
  properties: {
    jobId: { type: 'string' },
    name: { type: ['string', 'null'] },
    deviceId: { type: ['string', 'null'] },
    spool: { type: 'string', enum: ['local', 'cloud'] },
    pages: { type: 'integer' },
    sheets: { type: 'integer' },
    color: { type: 'boolean' },
    duplex: { type: 'boolean' },
    printedAt: { type: 'string', format: 'date-time' },
  },
} as const;
