import { messagePreview } from '@rosterchirp/protocol';
import type { MessageForPush } from '@rosterchirp/store';
import type { PushPayload } from './web-push-delivery.ts';

/**
 * The notification for a message: titled by the conversation (a direct message by its author),
 * `"{Author}: {text}"` or `"{Author}: 📷 Image"`, one per conversation on a device (`tag`), and
 * a click opens that conversation (`url`).
 */
export function messageNotification(message: MessageForPush): PushPayload {
  const author = message.authorName || 'Someone';
  return {
    title: message.groupType === 'direct' ? author : message.groupName,
    body: `${author}: ${messagePreview(message.content, message.hasImage, false)}`,
    groupId: message.groupId,
    messageId: message.id,
    url: `/?g=${message.groupId}`,
    tag: `group-${message.groupId}`,
    icon: '/icon-192.png',
  };
}
