import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifyInstance } from 'fastify';

// ajv-formats ships CommonJS with a default export.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/**
 * Bodies are validated strictly (a string is never coerced into a number, unknown fields are
 * refused); query strings and path params are coerced from text, as they must be. Verbose: an
 * error carries the schema that failed, whose description the error message quotes.
 */
export function installValidators(app: FastifyInstance): void {
  const strict = addFormats(
    new Ajv({ coerceTypes: false, removeAdditional: false, useDefaults: true, strict: false, verbose: true }),
  );
  const coercing = addFormats(
    new Ajv({ coerceTypes: true, removeAdditional: false, useDefaults: true, strict: false, verbose: true }),
  );
  app.setValidatorCompiler(({ schema, httpPart }) =>
    (httpPart === 'body' ? strict : coercing).compile(schema as object),
  );
}
