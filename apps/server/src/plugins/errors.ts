import { AppError } from '@rosterchirp/domain';
import { type ApiErrorBody, ERROR_STATUS, type ErrorCode } from '@rosterchirp/protocol';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { failureOf } from './error-model.ts';

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
  keyword?: string;
  params?: { missingProperty?: string; additionalProperty?: string };
  message?: string;
  /** The schema that failed (the validators run verbose), for its human description. */
  parentSchema?: { description?: string };
}

/**
 * What is wrong, in words: a pattern's regex means nothing to a person, so a schema that
 * describes its format ("a date and time with its offset, e.g. …") is quoted instead.
 */
function problemOf(issue: AjvIssue | undefined): string {
  const described = issue?.parentSchema?.description;
  if (issue?.keyword === 'pattern' && described) return `must be ${described}`;
  return issue?.message ?? 'is invalid';
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
    if (err instanceof AppError) return sendFailure(request, reply, err);
    const fe = err as FastifyError & { validation?: AjvIssue[]; validationContext?: string };
    if (fe.validation) {
      const issue = fe.validation[0];
      const field = fieldOf(issue);
      return sendError(
        reply,
        'VALIDATION_FAILED',
        `${field || fe.validationContext || 'input'} ${problemOf(issue)}`,
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
    return sendFailure(request, reply, err);
  });
}

function sendFailure(request: FastifyRequest, reply: FastifyReply, err: unknown) {
  const failure = failureOf(err);
  if (failure.severity === 'unavailable') request.log.warn({ err }, 'dependency unavailable');
  if (failure.severity === 'bug') request.log.error({ err }, 'unhandled error');
  if (failure.retryAfterSeconds !== undefined) reply.header('retry-after', String(failure.retryAfterSeconds));
  const { code, message, details } = failure.error;
  return sendError(reply, code, message, details);
}
