import type { ApiErrorShape, CreateUploadReply } from '@rosterchirp/protocol/client';
import { ApiError, call } from './http.ts';

/** Issues an upload, PUTs the bytes where the server says (storage or the API), returns the key. */
export async function uploadImage(file: File, kind: 'image' | 'avatar' | 'logo' = 'image'): Promise<string> {
  const issued = await call<CreateUploadReply>('POST', '/api/uploads', {
    kind,
    contentType: file.type,
    size: file.size,
  });
  const sameOrigin = issued.uploadUrl.startsWith('/');
  let res: Response;
  try {
    res = await fetch(issued.uploadUrl, {
      method: issued.method,
      headers: issued.headers,
      body: file,
      credentials: sameOrigin ? 'same-origin' : 'omit',
    });
  } catch {
    throw new ApiError(0, { code: 'UNAVAILABLE', message: 'The upload failed. Check your connection.' });
  }
  if (!res.ok) {
    const data = (await res.json().catch(() => null)) as { error?: ApiErrorShape } | null;
    throw new ApiError(
      res.status,
      data?.error ?? { code: 'INTERNAL', message: `Upload failed (${res.status})` },
    );
  }
  return issued.key;
}
