/** WhatsApp ↔ RosterChirp message mapping (pure: tested without WhatsApp's servers). */

/** The parts of a Baileys WAMessage the bridge reads. */
export interface WaInbound {
  key: { id?: string | null; remoteJid?: string | null; fromMe?: boolean | null };
  pushName?: string | null;
  message?: {
    conversation?: string | null;
    extendedTextMessage?: { text?: string | null } | null;
    imageMessage?: { caption?: string | null } | null;
    videoMessage?: { caption?: string | null } | null;
    documentMessage?: { fileName?: string | null; caption?: string | null } | null;
    audioMessage?: { ptt?: boolean | null } | null;
    stickerMessage?: object | null;
    locationMessage?: {
      degreesLatitude?: number | null;
      degreesLongitude?: number | null;
      name?: string | null;
    } | null;
    contactMessage?: { displayName?: string | null } | null;
    reactionMessage?: object | null;
    protocolMessage?: object | null;
  } | null;
}

/** `15551234567@s.whatsapp.net` → `+15551234567`; groups, broadcasts and status → null. */
export function jidToPhone(jid: string | null | undefined): string | null {
  const m = /^(\d{7,15})(?::\d+)?@s\.whatsapp\.net$/.exec(jid ?? '');
  return m ? `+${m[1]}` : null;
}

export const phoneToJid = (phone: string) => `${phone.replace(/^\+/, '')}@s.whatsapp.net`;

/**
 * What a contact's WhatsApp message says, as our text; null for what is not a message to show
 * (reactions, protocol messages, our own echoes, group chats).
 */
export function inboundText(
  msg: WaInbound,
): { phone: string; text: string; id: string; name: string | null } | null {
  if (msg.key.fromMe || !msg.key.id) return null;
  const phone = jidToPhone(msg.key.remoteJid);
  const m = msg.message;
  if (!phone || !m || m.reactionMessage || m.protocolMessage) return null;
  const caption = (label: string, text?: string | null) => (text ? `${label} ${text}` : label);
  let text: string | null = null;
  if (m.conversation) text = m.conversation;
  else if (m.extendedTextMessage?.text) text = m.extendedTextMessage.text;
  else if (m.imageMessage) text = caption('📷 Image', m.imageMessage.caption);
  else if (m.videoMessage) text = caption('🎬 Video', m.videoMessage.caption);
  else if (m.documentMessage)
    text = caption(`📄 ${m.documentMessage.fileName ?? 'Document'}`, m.documentMessage.caption);
  else if (m.audioMessage) text = m.audioMessage.ptt ? '🎤 Voice message' : '🎵 Audio';
  else if (m.stickerMessage) text = '🏷️ Sticker';
  else if (m.locationMessage) {
    const { degreesLatitude: lat, degreesLongitude: lon, name } = m.locationMessage;
    text = `📍 ${name ? `${name} ` : ''}https://www.openstreetmap.org/?mlat=${lat}&mlon=${lon}`;
  } else if (m.contactMessage) text = `👤 ${m.contactMessage.displayName ?? 'Contact card'}`;
  else text = '(a message type the bridge cannot show)';
  return { phone, text: fromWhatsappMarkup(text), id: msg.key.id, name: msg.pushName ?? null };
}

/** Our Markdown → WhatsApp's markup: **bold** → *bold*, ~~strike~~ → ~strike~, `code` → ```code```. */
export function toWhatsappMarkup(text: string): string {
  return text
    .replace(/\*\*([^*\n]+)\*\*/g, '*$1*')
    .replace(/~~([^~\n]+)~~/g, '~$1~')
    .replace(/(^|[^`])`([^`\n]+)`(?!`)/g, '$1```$2```');
}

/** WhatsApp's *bold* → our **bold**; ~strike~ → ~~strike~~ (italics `_x_` are the same). */
export function fromWhatsappMarkup(text: string): string {
  return text
    .replace(/(^|[\s(])\*([^*\n]+)\*(?=$|[\s).,!?:;])/g, '$1**$2**')
    .replace(/(^|[\s(])~([^~\n]+)~(?=$|[\s).,!?:;])/g, '$1~~$2~~');
}

/** What the bridge sends for one of our messages. */
export function outboundContent(message: { content: string; imageUrl: string | null }): { text: string } {
  const parts = [toWhatsappMarkup(message.content)];
  // Uploads are private to the workspace: the contact is told there is one, not given a link.
  if (message.imageUrl) parts.push('📷 (an image was shared in the team chat)');
  return { text: parts.filter((p) => p !== '').join('\n') };
}
