/**
 * The words of a message without its Markdown: `**bold**`, `*em*`, `_em_`, `~~gone~~` and
 * `` `code` `` lose their markers, `[text](url)` keeps its text. For one-line previews, reply
 * quotes and notifications, where markers would show as they are.
 */
export function plainText(markdown: string): string {
  return markdown
    .replace(/\[([^\]]+)\]\((?:[^)\s]+)\)/g, '$1')
    .replace(/(\*\*|__|~~)(?=\S)([\s\S]*?\S)\1/g, '$2')
    .replace(/(^|[^\w*])([*_])(?=\S)([^*_\n]*?\S)\2(?![\w*])/g, '$1$3')
    .replace(/`([^`\n]+)`/g, '$1');
}

/** One-line preview of a message for sidebars and notifications. */
export function messagePreview(content: string, hasImage: boolean, deleted: boolean): string {
  if (deleted) return 'Message deleted';
  const text = plainText(content).replace(/\s+/g, ' ').trim();
  if (text === '' && hasImage) return '📷 Image';
  return text.length > 120 ? `${text.slice(0, 119)}…` : text;
}
