import { Marked } from 'marked';
import sanitizeHtml from 'sanitize-html';

const marked = new Marked({ gfm: true, breaks: true, async: false });

/**
 * An admin's Markdown (about text, help page) as HTML safe to put in the page: rendered by
 * marked, then cleaned by sanitize-html to a small set of tags — no scripts, styles, event
 * handlers or other schemes than http(s) and mailto; links open in a new tab without opener.
 */
export function markdownToSafeHtml(markdown: string): string {
  const html = marked.parse(markdown) as string;
  return sanitizeHtml(html, {
    allowedTags: [
      'p',
      'br',
      'hr',
      'strong',
      'em',
      'del',
      'code',
      'pre',
      'blockquote',
      'ul',
      'ol',
      'li',
      'a',
      'h1',
      'h2',
      'h3',
      'h4',
      'table',
      'thead',
      'tbody',
      'tr',
      'th',
      'td',
    ],
    allowedAttributes: { a: ['href', 'title', 'target', 'rel'] },
    allowedSchemes: ['http', 'https', 'mailto'],
    transformTags: {
      a: sanitizeHtml.simpleTransform('a', { target: '_blank', rel: 'noopener noreferrer' }),
    },
  }).trim();
}

/**
 * markdownToSafeHtml that remembers its last `max` results: the same few texts are read on
 * every page load. One per service instance (packages keep no module state).
 */
export function cachedMarkdown(max = 500): (markdown: string) => string {
  const rendered = new Map<string, string>();
  return (markdown) => {
    const known = rendered.get(markdown);
    if (known !== undefined) return known;
    const html = markdownToSafeHtml(markdown);
    if (rendered.size >= max) rendered.delete(rendered.keys().next().value as string);
    rendered.set(markdown, html);
    return html;
  };
}
