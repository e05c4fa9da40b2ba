/**
 * Unsent text per conversation, so switching conversations never loses what was typed. Kept
 * outside the store (a keystroke re-renders nothing else) and cleared at sign-out, so the next
 * person on this device never sees it.
 */
const drafts = new Map<number, string>();

export const getDraft = (groupId: number) => drafts.get(groupId) ?? '';
export const setDraft = (groupId: number, text: string) => drafts.set(groupId, text);
export const hasDraft = (groupId: number) => getDraft(groupId).trim().length > 0;
export const clearDrafts = () => drafts.clear();
