import type { ComponentChildren } from 'preact';

/**
 * The markdown subset of docs/PRODUCT.md §4 — **bold**, *italic*, `code`, links, line breaks — and
 * @mentions, rendered as elements (never as HTML strings, so nothing can inject markup).
 */
const TOKEN =
  /(`[^`\n]+`|\*\*[^*\n]+\*\*|\*[^*\n]+\*|https?:\/\/[^\s<]+[^\s<.,;:!?)\]'"]|@[a-z0-9][a-z0-9.]*[a-z0-9]|@[a-z0-9])/g;

function renderLine(line: string, myHandle: string | undefined): ComponentChildren[] {
  const out: ComponentChildren[] = [];
  let last = 0;
  for (const m of line.matchAll(TOKEN)) {
    const t = m[0];
    const at = m.index ?? 0;
    if (at > last) out.push(line.slice(last, at));
    if (t.startsWith('`')) out.push(<code>{t.slice(1, -1)}</code>);
    else if (t.startsWith('**')) out.push(<strong>{t.slice(2, -2)}</strong>);
    else if (t.startsWith('*')) out.push(<em>{t.slice(1, -1)}</em>);
    else if (t.startsWith('http')) {
      out.push(
        <a href={t} target="_blank" rel="noopener noreferrer">
          {t}
        </a>,
      );
    } else {
      const handle = t.slice(1);
      const me = handle === myHandle || handle === 'here' || handle === 'channel';
      out.push(<span class={`mention${me ? ' mention--me' : ''}`}>{t}</span>);
    }
    last = at + t.length;
  }
  if (last < line.length) out.push(line.slice(last));
  return out;
}

export function RichText({ text, myHandle }: { text: string; myHandle?: string | undefined }) {
  const lines = text.split('\n');
  return (
    <>
      {lines.map((line, i) => (
        <>
          {renderLine(line, myHandle)}
          {i < lines.length - 1 && <br />}
        </>
      ))}
    </>
  );
}
