import type { ApiErrorShape } from '@rosterchirp/protocol/client';

/** A failed API call, carrying the error of docs/API.md. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly error: ApiErrorShape,
  ) {
    super(error.message);
  }
}

export async function call<T>(
  method: string,
  path: string,
  body?: unknown,
  extraHeaders: Record<string, string> = {},
): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? extraHeaders : { ...extraHeaders, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, {
      code: 'UNAVAILABLE',
      message: 'Cannot reach the server. Check your connection.',
    });
  }
  if (res.status === 204) return undefined as T;
  const data = (await res.json().catch(() => null)) as { error?: ApiErrorShape } | null;
  if (!res.ok) {
    throw new ApiError(
      res.status,
      data?.error ?? { code: 'INTERNAL', message: `Request failed (${res.status})` },
    );
  }
  return data as T;
}
