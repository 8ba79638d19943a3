// Request validation: bodies are checked as sent (no type coercion, unknown properties refused), while
// path, query and header values, which are always strings on the wire, are coerced to the schema's types.
// Fastify's default Ajv does both kinds of coercion everywhere and silently drops unknown body fields, so
// `{ "role": "provider_admin" }` sent to a route that does not read `role` would pass unnoticed.
import { Ajv } from 'ajv';
import type { Options } from 'ajv';
import formats from 'ajv-formats';
import type { FastifyInstance } from 'fastify';

// ajv-formats is CommonJS with `exports.default`; under NodeNext its default import is the module object.
const addFormats = formats.default;

const common: Options = {
  allErrors: false,
  useDefaults: true,
  removeAdditional: false,
  strict: true,
  strictRequired: false,
};

function makeAjv(options: Options): Ajv {
  const ajv = new Ajv({ ...common, ...options });
  addFormats(ajv);
  return ajv;
}

/** Installs the two validators: strict for bodies, coercing for params, querystring and headers. */
export function registerValidation(app: FastifyInstance): void {
  const bodyAjv = makeAjv({ coerceTypes: false });
  const urlAjv = makeAjv({ coerceTypes: 'array' });
  app.setValidatorCompiler(({ schema, httpPart }) =>
    httpPart === 'body' ? bodyAjv.compile(schema) : urlAjv.compile(schema),
  );
}
