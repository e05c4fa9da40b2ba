import { createHash } from 'node:crypto';

/**
 * A job key as a stable UUID (pg-boss ids are UUIDs and the job table refuses a second row with
 * the same id): SHA-256 of the key, shaped as a version-8 (custom) UUID.
 */
export function keyToUuid(key: string): string {
  const hex = createHash('sha256').update(key).digest('hex').slice(0, 32).split('');
  hex[12] = '8';
  hex[16] = ((Number.parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  const h = hex.join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
