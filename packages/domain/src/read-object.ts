import type { ObjectStorage } from '@rosterchirp/storage';

/** An object's bytes, or null when it is missing or larger than `maxBytes` (reading stops there). */
export async function readObject(
  storage: ObjectStorage,
  key: string,
  maxBytes: number,
): Promise<Buffer | null> {
  const object = await storage.get(key);
  if (!object) return null;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of object.body) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) {
      object.body.destroy();
      return null;
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
