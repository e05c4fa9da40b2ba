/** The avatar colour rule of docs/PRODUCT.md §8, shared by every client. */
export const AVATAR_COLORS = [
  '#1a73e8',
  '#ea4335',
  '#34a853',
  '#fa7b17',
  '#a142f4',
  '#00897b',
  '#e91e8c',
  '#0097a7',
] as const;

export function avatarColor(name: string): string {
  const code = name.length > 0 ? name.charCodeAt(0) : 0;
  return AVATAR_COLORS[code % AVATAR_COLORS.length] as string;
}

export function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  const first = parts[0]?.[0] ?? '?';
  const last = parts.length > 1 ? (parts[parts.length - 1]?.[0] ?? '') : '';
  return (first + last).toUpperCase();
}
