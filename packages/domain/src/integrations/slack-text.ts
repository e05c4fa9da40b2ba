import type { IncomingHookBody } from '@rosterchirp/protocol';

/**
 * Slack's message body reduced to our Markdown-ish text: `text`, then each attachment's
 * pretext/title/text/fields/fallback, then each block's text (section, header, context).
 * Slack's `<url|label>` links become `label (url)`, `<url>` becomes the url.
 */
export function slackText(body: IncomingHookBody): string {
  const parts: string[] = [];
  if (typeof body.text === 'string') parts.push(body.text);
  for (const a of body.attachments ?? []) {
    const lines: string[] = [];
    for (const key of ['pretext', 'title', 'text'] as const) {
      if (typeof a[key] === 'string' && a[key]) lines.push(a[key] as string);
    }
    if (Array.isArray(a.fields)) {
      for (const f of a.fields as Array<Record<string, unknown>>) {
        if (typeof f?.title === 'string' || typeof f?.value === 'string') {
          lines.push(`${f.title ?? ''}${f.title && f.value ? ': ' : ''}${f.value ?? ''}`);
        }
      }
    }
    if (lines.length === 0 && typeof a.fallback === 'string') lines.push(a.fallback);
    parts.push(...lines);
  }
  for (const b of body.blocks ?? []) parts.push(...blockText(b));
  return parts
    .map((p) => p.replace(/<([^|>\s]+)\|([^>]+)>/g, '$2 ($1)').replace(/<([^>\s]+)>/g, '$1'))
    .join('\n')
    .trim();
}

function blockText(block: Record<string, unknown>): string[] {
  const text = (v: unknown): string | null =>
    v && typeof v === 'object' && typeof (v as { text?: unknown }).text === 'string'
      ? (v as { text: string }).text
      : null;
  const out: string[] = [];
  const own = text(block.text);
  if (own) out.push(own);
  for (const key of ['fields', 'elements'] as const) {
    const list = block[key];
    if (Array.isArray(list))
      for (const item of list) {
        const t = text(item);
        if (t) out.push(t);
      }
  }
  return out;
}
