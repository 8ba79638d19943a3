// Wire schemas shared by every route.

/** The body of every error answer. */
export interface ErrorBody {
  /** A stable machine-readable code, e.g. `unauthorized`, `not_found`, `bad_request`. */
  error: string;
  /** A sentence for people; for 5xx it never carries internal details. */
  message: string;
}

/** JSON schema of ErrorBody, registered once as `ErrorBody#`. */
export const errorBodySchema = {
  $id: 'ErrorBody',
  type: 'object',
  required: ['error', 'message'],
  additionalProperties: false,
  properties: {
    error: { type: 'string' },
    message: { type: 'string' },
  },
} as const;

/** A reference to ErrorBody for route response maps. */
export const errorRef = { $ref: 'ErrorBody#' } as const;

/** Error responses that every authenticated route may give. */
export const authErrorResponses = { 401: errorRef, 404: errorRef, 400: errorRef } as const;

/** `:id` of the routes that name one record (an opaque id, never a path). */
export const idParamsSchema = {
  type: 'object',
  required: ['id'],
  additionalProperties: false,
  properties: { id: { type: 'string', minLength: 1, maxLength: 64 } },
} as const;
