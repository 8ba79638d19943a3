// JSON schemas of the MFP job server's answers: the contract the MFP (and the tests) hold the server to.
import { errorSchema, jobSchema } from '../control/schemas.js';

/** `GET /v1/jobs`: the ticket subject's waiting jobs, newest first. */
export const jobListSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['jobs'],
  properties: { jobs: { type: 'array', items: jobSchema } },
} as const;

/** `{ error, message }`, the body of every refusal. */
export const mfpErrorSchema = {
  ...errorSchema,
  additionalProperties: false,
} as const;
