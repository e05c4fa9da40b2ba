/**
 * @mention handles: lower-case, ASCII-folded, dot-separated, collision-safe
 * ("Brett Watson" → brett.watson, then brett.watson2). Letters are transliterated, never dropped.
 */
const SPECIAL_FOLDS: Record<string, string> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ł: 'l',
  ı: 'i',
  ŧ: 't',
  ŋ: 'ng',
  ĸ: 'k',
};

export function baseHandle(name: string): string {
  const folded = name
    .toLowerCase()
    .replace(/[ßæœøđðþłıŧŋĸ]/g, (c) => SPECIAL_FOLDS[c] ?? c)
    .normalize('NFKD')
    .replace(/\p{M}/gu, '');
  const handle = folded
    .replace(/[^a-z0-9]+/g, '.')
    .replace(/^\.+|\.+$/g, '')
    .slice(0, 40)
    .replace(/\.+$/, '');
  return handle === '' ? 'user' : handle;
}

/** The first free handle: base, base2, base3, … */
export function uniqueHandle(name: string, taken: ReadonlySet<string>): string {
  const base = baseHandle(name);
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) {
    const candidate = `${base}${n}`;
    if (!taken.has(candidate)) return candidate;
  }
}

/** Handles and the broadcast words mentioned in a message text. */
export function extractMentions(content: string): string[] {
  const found = new Set<string>();
  for (const m of content.matchAll(/(^|[^\w.@])@([a-z0-9][a-z0-9.]*[a-z0-9]|[a-z0-9])/g)) {
    if (m[2]) found.add(m[2]);
  }
  return [...found];
}
