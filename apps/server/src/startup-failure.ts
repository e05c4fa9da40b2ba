/**
 * The one line a failed start prints: the real cause, whatever was thrown (an Error, an
 * AggregateError from a refused connection, a string, or nothing at all).
 */
export function startupFailure(err: unknown): string {
  return `RosterChirp failed to start: ${describe(err).replace(/\s+/g, ' ').trim()}`;
}

function describe(err: unknown): string {
  if (err instanceof AggregateError && err.errors.length) {
    return `${err.message || 'several errors'}: ${err.errors.map(describe).join('; ')}`;
  }
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    const message = err.message || err.name;
    return code && !message.includes(code) ? `${message} (${code})` : message;
  }
  if (err === undefined || err === null) return 'an unknown error (nothing was thrown with it)';
  return String(err);
}
