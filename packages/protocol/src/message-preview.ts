/** One-line preview of a message for sidebars and notifications. */
export function messagePreview(content: string, hasImage: boolean, deleted: boolean): string {
  if (deleted) return 'Message deleted';
  const text = content.replace(/\s+/g, ' ').trim();
  if (text === '' && hasImage) return '📷 Image';
  return text.length > 120 ? `${text.slice(0, 119)}…` : text;
}
