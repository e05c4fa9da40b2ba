/**
 * Postgres text cannot hold U+0000, so a NUL anywhere in input would fail deep in a query (a
 * 500). Every HTTP body, query and params, and every realtime payload is checked up front.
 * Returns the dotted path of the first string (or key) holding one, or undefined.
 */
export function findNul(value: unknown, path = ''): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path || 'input' : undefined;
  if (value === null || typeof value !== 'object') return undefined;
  // Parsed JSON and query objects only: a raw body (an upload's stream, a Buffer) is not text.
  if (ArrayBuffer.isView(value) || typeof (value as { pipe?: unknown }).pipe === 'function') return undefined;
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = findNul(item, path ? `${path}.${i}` : String(i));
      if (found) return found;
    }
    return undefined;
  }
  for (const [key, item] of Object.entries(value)) {
    const here = path ? `${path}.${key}` : key;
    if (key.includes('\u0000')) return here.replaceAll('\u0000', '\\0');
    const found = findNul(item, here);
    if (found) return found;
  }
  return undefined;
}

export const NUL_MESSAGE = 'may not contain NUL characters (\\u0000)';
