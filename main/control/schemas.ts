// JSON schemas of the control API: the wire form of the Job and of every route's input.
import { JOB_ID_PATTERN, JOB_STATES } from '../spool/job.js';
import { MAX_NAME_LENGTH } from '../spool/job-record.js';

/** The Job as JSON (design.md, "Job"). */
export const jobSchema = {
  type: 'object',
  additionalProperties: false,
  required: [
    'id',
    'name',
    'owner',
    'pages',
    'size',
    'sha256',
    'format',
    'state',
    'spool',
    'createdAt',
    'options',
  ],
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    owner: { type: 'string' },
    pages: { type: 'integer' },
    size: { type: 'integer' },
    sha256: { type: 'string' },
    format: { type: 'string', enum: ['application/pdf'] },
    state: { type: 'string', enum: [...JOB_STATES] },
    spool: { type: 'string', enum: ['local', 'cloud'] },
    createdAt: { type: 'string' },
    options: {
      type: 'object',
      additionalProperties: false,
      required: ['copies', 'sides', 'colorMode', 'media'],
      properties: {
        copies: { type: 'integer' },
        sides: { type: 'string' },
        colorMode: { type: 'string' },
        media: { type: 'string' },
      },
    },
  },
} as const;

/** `{ error, message }`, the body of every refusal. */
export const errorSchema = {
  type: 'object',
  required: ['error', 'message'],
  properties: { error: { type: 'string' }, message: { type: 'string' } },
} as const;

/** `:id` of the job routes: a well-formed id, nothing else. */
export const idParamsSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id'],
  properties: { id: { type: 'string', pattern: JOB_ID_PATTERN } },
} as const;

/** Paging limits of `GET /v1/jobs`. */
export const LIST_LIMIT_DEFAULT = 500;
export const LIST_LIMIT_MAX = 5000;

/** Query of `GET /v1/jobs`. */
export const listQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: LIST_LIMIT_MAX, default: LIST_LIMIT_DEFAULT },
    cursor: { type: 'string', pattern: JOB_ID_PATTERN },
  },
} as const;

/** Query of `POST /v1/jobs`. */
export const submitQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: { name: { type: 'string', minLength: 1, maxLength: MAX_NAME_LENGTH } },
} as const;
