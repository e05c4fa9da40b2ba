/** Tenant schema names reach SQL only through this check (docs/PRODUCT.md §1). */
const SCHEMA_PATTERN = /^[a-z_][a-z0-9_]*$/;

export function assertSchemaName(schema: string): string {
  if (!SCHEMA_PATTERN.test(schema) || schema.length > 63) {
    throw new Error(`Refusing unsafe schema name "${schema}"`);
  }
  return schema;
}

/** The schema name as a quoted SQL identifier, after validation. */
export function quoteSchema(schema: string): string {
  return `"${assertSchemaName(schema)}"`;
}

export function schemaForSlug(slug: string): string {
  return assertSchemaName(`tenant_${slug.replace(/-/g, '_')}`);
}
