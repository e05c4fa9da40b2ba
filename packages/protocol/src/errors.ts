import { type Static, Type } from '@sinclair/typebox';

/** Every error code of the public API and the HTTP status it always travels with. */
export const ERROR_STATUS = {
  VALIDATION_FAILED: 400,
  UNAUTHENTICATED: 401,
  TOTP_REQUIRED: 401,
  TOTP_ENROLMENT_REQUIRED: 403,
  FORBIDDEN: 403,
  PASSWORD_CHANGE_REQUIRED: 403,
  FEATURE_DISABLED: 403,
  TENANT_SUSPENDED: 403,
  NOT_FOUND: 404,
  TENANT_NOT_FOUND: 404,
  CONFLICT: 409,
  TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  TOO_MANY_CONNECTIONS: 429,
  INTERNAL: 500,
  UNAVAILABLE: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export const ApiErrorBody = Type.Object({
  error: Type.Object({
    code: Type.String(),
    message: Type.String(),
    details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  }),
});
export type ApiErrorBody = Static<typeof ApiErrorBody>;

/** Error value shared by the server (thrown) and clients (parsed from a response or an ack). */
export interface ApiErrorShape {
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
}
