import { AppError } from '@rosterchirp/domain';
import { type ApiErrorBody, ERROR_STATUS, type ErrorCode } from '@rosterchirp/protocol';
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';

export function sendError(
  reply: FastifyReply,
  code: ErrorCode,
  message: string,
  details?: Record<string, unknown>,
) {
  const body: ApiErrorBody = { error: details ? { code, message, details } : { code, message } };
  return reply.status(ERROR_STATUS[code]).type('application/json').send(body);
}

interface AjvIssue {
  instancePath?: string;
  params?: { missingProperty?: string; additionalProperty?: string };
  message?: string;
}

function fieldOf(issue: AjvIssue | undefined): string {
  if (!issue) return '';
  const path = (issue.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.');
  const extra = issue.params?.missingProperty ?? issue.params?.additionalProperty;
  return [path, extra].filter(Boolean).join('.');
}

/** One root handler maps every error to the error shape of docs/API.md; anything unexpected is a masked 500. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | AppError, request, reply) => {
    if (err instanceof AppError) {
      const retryAfter = err.details?.retryAfterSeconds;
      if (err.code === 'RATE_LIMITED' && typeof retryAfter === 'number')
        reply.header('retry-after', String(retryAfter));
      return sendError(reply, err.code, err.message, err.details);
    }
    const fe = err as FastifyError & { validation?: AjvIssue[]; validationContext?: string };
    if (fe.validation) {
      const issue = fe.validation[0];
      const field = fieldOf(issue);
      return sendError(
        reply,
        'VALIDATION_FAILED',
        `${field || fe.validationContext || 'input'} ${issue?.message ?? 'is invalid'}`,
        {
          field,
          location: fe.validationContext,
        },
      );
    }
    if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
      return sendError(reply, 'TOO_LARGE', 'The request body is too large');
    if (fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      return sendError(reply, 'UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json');
    }
    if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
      return sendError(reply, 'VALIDATION_FAILED', 'The request is malformed', {
        reason: fe.code ?? 'BAD_REQUEST',
      });
    }
    if (isDependencyDown(err)) {
      request.log.warn({ err: (err as Error).message }, 'dependency unavailable');
      reply.header('retry-after', '1');
      return sendError(reply, 'UNAVAILABLE', 'A service we depend on is briefly unavailable; try again');
    }
    request.log.error({ err }, 'unhandled error');
    return sendError(reply, 'INTERNAL', 'Something went wrong on our side; it has been logged');
  });
}

const TRANSIENT_CODES = new Set([
  // A transaction Postgres chose to abort (deadlock, serialization): the retry succeeds.
  '40P01',
  '40001',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08003',
  '08006',
  '08001',
  '08004',
]);

/** Postgres, PgBouncer or Redis going away mid-request, or a transaction Postgres aborted: a 503 to retry, not a 500 bug. */
export function isDependencyDown(err: unknown): boolean {
  const e = err as { code?: string; message?: string; name?: string };
  if (e?.code && TRANSIENT_CODES.has(e.code)) return true;
  if (e?.name === 'MaxRetriesPerRequestError') return true;
  const msg = e?.message ?? '';
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|server conn crashed|Connection is closed|query_wait_timeout|no more connections allowed/i.test(
    msg,
  );
}
