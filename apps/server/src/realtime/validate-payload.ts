import type { ApiErrorShape } from '@rosterchirp/protocol';
import type { Static, TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { findNul, NUL_MESSAGE } from '../nul-bytes.ts';

/** Compiled TypeBox check for realtime payloads, answering with the API's error shape. */
export function payloadValidator<T extends TSchema>(schema: T) {
  const check = TypeCompiler.Compile(schema);
  return (value: unknown): { ok: true; value: Static<T> } | { ok: false; error: ApiErrorShape } => {
    const nul = findNul(value);
    if (nul !== undefined) {
      return {
        ok: false,
        error: { code: 'VALIDATION_FAILED', message: `${nul} ${NUL_MESSAGE}`, details: { field: nul } },
      };
    }
    if (check.Check(value)) return { ok: true, value };
    const first = check.Errors(value).First();
    const field = first?.path.replace(/^\//, '').replace(/\//g, '.') ?? '';
    return {
      ok: false,
      error: {
        code: 'VALIDATION_FAILED',
        message: `${field || 'payload'}: ${first?.message ?? 'is invalid'}`,
        details: { field },
      },
    };
  };
}
