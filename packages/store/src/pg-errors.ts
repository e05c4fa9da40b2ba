/** Postgres SQLSTATE helpers (the SQL stores, and domain code whose SQL has not moved yet). */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  const e = err as { code?: string; constraint?: string };
  return e?.code === '23505' && (constraint === undefined || e.constraint === constraint);
}

/** The statement named a schema or table that no longer exists (a deleted tenant). */
export function isSchemaGone(err: unknown): boolean {
  const code = (err as { code?: string })?.code;
  return code === '3F000' || code === '42P01';
}
