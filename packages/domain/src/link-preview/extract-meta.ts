/** Title, description and image of an HTML page, from OpenGraph tags or <title>/<meta>. */
export interface PageMeta {
  title: string | null;
  description: string | null;
  image: string | null;
}

const ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  '#39': "'",
  apos: "'",
  nbsp: ' ',
};

function decode(text: string): string {
  return text
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+|#39);/gi, (m, e: string) => {
      if (e.startsWith('#x')) return String.fromCodePoint(Number.parseInt(e.slice(2), 16));
      if (e.startsWith('#') && e !== '#39') return String.fromCodePoint(Number(e.slice(1)));
      return ENTITIES[e.toLowerCase()] ?? m;
    })
    .replace(/\s+/g, ' ')
    .trim();
}

function metaContent(html: string, key: string): string | null {
  for (const tag of html.match(/<meta\b[^>]*>/gi) ?? []) {
    const name = /\b(?:property|name)\s*=\s*["']([^"']+)["']/i.exec(tag)?.[1]?.toLowerCase();
    if (name !== key) continue;
    const content = /\bcontent\s*=\s*"([^"]*)"|\bcontent\s*=\s*'([^']*)'/i.exec(tag);
    const value = content?.[1] ?? content?.[2];
    if (value) return decode(value);
  }
  return null;
}

export function extractMeta(html: string, pageUrl: string): PageMeta {
  const head = html.slice(0, 200_000);
  const title = metaContent(head, 'og:title') ?? /<title[^>]*>([^<]*)<\/title>/i.exec(head)?.[1] ?? null;
  const description = metaContent(head, 'og:description') ?? metaContent(head, 'description');
  const rawImage = metaContent(head, 'og:image');
  let image: string | null = null;
  if (rawImage) {
    try {
      const u = new URL(rawImage, pageUrl);
      if (u.protocol === 'https:' || u.protocol === 'http:') image = u.toString();
    } catch {
      image = null;
    }
  }
  const clip = (s: string | null, n: number) => (s ? decode(s).slice(0, n) || null : null);
  return { title: clip(title, 200), description: clip(description, 400), image };
}

/** The first http(s) URL in a message text. */
export function firstUrl(text: string): string | null {
  const m = /https?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)\]]/i.exec(text);
  return m ? m[0] : null;
}
