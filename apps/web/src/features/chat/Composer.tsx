import { LIMITS, type Message, messagePreview, type User } from '@rosterchirp/protocol/client';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { getDraft, setDraft } from './drafts.ts';

/**
 * Enter sends, Shift+Enter adds a line. Drafts are kept per conversation, so switching
 * conversations never loses typed text. Handles reply and edit modes, image attach/paste, and
 * @mention autocomplete.
 */

const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/gif', 'image/webp'];

export function Composer(props: {
  groupId: number;
  placeholder: string;
  disabled: boolean;
  users: User[];
  replyTo: Message | null;
  editing: Message | null;
  onCancel: () => void;
  onSend: (text: string) => void;
  onSaveEdit: (text: string) => void;
  onImage: (file: File) => void;
  onTyping: () => void;
  uploading: boolean;
}) {
  const [text, setText] = useState(getDraft(props.groupId));
  const [mention, setMention] = useState<{ query: string; start: number; index: number } | null>(null);
  const area = useRef<HTMLTextAreaElement>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const lastTyping = useRef(0);
  const pendingCaret = useRef<number | null>(null);

  useLayoutEffect(() => {
    const el = area.current;
    if (el && pendingCaret.current !== null) {
      el.focus();
      el.setSelectionRange(pendingCaret.current, pendingCaret.current);
      pendingCaret.current = null;
    }
  }, [text]);

  useEffect(() => {
    setText(getDraft(props.groupId));
    setMention(null);
    area.current?.focus();
  }, [props.groupId]);

  // Layout effect: the message text is in the box before anything can be typed into it.
  useLayoutEffect(() => {
    if (props.editing) {
      setText(props.editing.content);
      area.current?.focus();
    }
  }, [props.editing]);

  useEffect(() => {
    if (props.replyTo) area.current?.focus();
  }, [props.replyTo]);

  useEffect(() => {
    const el = area.current;
    if (!el) return;
    el.style.height = 'auto';
    el.style.height = `${Math.min(el.scrollHeight, 200)}px`;
  }, [text]);

  const candidates = mention
    ? props.users
        .filter((u) => u.status === 'active')
        .filter((u) => u.handle.startsWith(mention.query) || u.name.toLowerCase().includes(mention.query))
        .slice(0, 6)
    : [];

  function update(value: string, caret: number) {
    setText(value);
    if (!props.editing) setDraft(props.groupId, value);
    const before = value.slice(0, caret);
    const m = /(^|\s)@([a-z0-9.]*)$/i.exec(before);
    setMention(
      m ? { query: (m[2] ?? '').toLowerCase(), start: caret - (m[2]?.length ?? 0) - 1, index: 0 } : null,
    );
  }

  function complete(user: User) {
    if (!mention) return;
    const el = area.current!;
    const after = text.slice(el.selectionStart);
    const value = `${text.slice(0, mention.start)}@${user.handle} ${after}`;
    const pos = mention.start + user.handle.length + 2;
    update(value, pos);
    setMention(null);
    // Placed right after this render, before the next keystroke can land.
    pendingCaret.current = pos;
  }

  function submit() {
    const value = text.trim();
    if (!value || props.disabled) return;
    if (props.editing) props.onSaveEdit(value);
    else props.onSend(value);
    setText('');
    setMention(null);
    if (!props.editing) setDraft(props.groupId, '');
  }

  function takeFiles(files: FileList | null | undefined) {
    const file = files?.[0];
    if (file && IMAGE_TYPES.includes(file.type)) props.onImage(file);
  }

  const over = text.length > LIMITS.contentMax;
  return (
    <div class="composer-wrap">
      {(props.replyTo || props.editing) && (
        <div class="composer__context">
          {props.editing ? (
            <span>Editing message</span>
          ) : (
            <span>
              Replying to <strong>{props.replyTo?.author?.name ?? 'Deleted User'}</strong>:{' '}
              {props.replyTo
                ? messagePreview(props.replyTo.content, props.replyTo.imageUrl !== null, false).slice(0, 80)
                : ''}
            </span>
          )}
          <button type="button" class="link-btn" onClick={props.onCancel} aria-label="Cancel">
            Cancel
          </button>
        </div>
      )}
      {candidates.length > 0 && (
        <ul class="mentions" aria-label="People to mention">
          {candidates.map((u, i) => (
            <li key={u.id}>
              <button
                type="button"
                class={i === mention?.index ? 'mention-opt mention-opt--on' : 'mention-opt'}
                onMouseDown={(e) => e.preventDefault()}
                onClick={() => complete(u)}
              >
                <strong>{u.displayName ?? u.name}</strong> <small>@{u.handle}</small>
              </button>
            </li>
          ))}
        </ul>
      )}
      <form
        class="composer"
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        {!props.editing && (
          <>
            <button
              type="button"
              class="icon-btn composer__attach"
              aria-label="Attach an image"
              title="Attach an image"
              disabled={props.disabled || props.uploading}
              onClick={() => fileInput.current?.click()}
            >
              📎
            </button>
            <input
              ref={fileInput}
              type="file"
              accept={IMAGE_TYPES.join(',')}
              hidden
              onChange={(e) => {
                takeFiles(e.currentTarget.files);
                e.currentTarget.value = '';
              }}
            />
          </>
        )}
        <textarea
          ref={area}
          rows={1}
          value={text}
          placeholder={props.uploading ? 'Uploading image…' : props.placeholder}
          disabled={props.disabled}
          aria-label="Message"
          autocomplete="off"
          autocapitalize="sentences"
          spellcheck
          enterkeyhint="send"
          onInput={(e) => {
            update(e.currentTarget.value, e.currentTarget.selectionStart);
            if (Date.now() - lastTyping.current > 2500) {
              lastTyping.current = Date.now();
              props.onTyping();
            }
          }}
          onPaste={(e) => {
            if (e.clipboardData?.files.length) {
              e.preventDefault();
              takeFiles(e.clipboardData.files);
            }
          }}
          onKeyDown={(e) => {
            if (candidates.length > 0 && mention) {
              if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
                e.preventDefault();
                const step = e.key === 'ArrowDown' ? 1 : candidates.length - 1;
                setMention({ ...mention, index: (mention.index + step) % candidates.length });
                return;
              }
              if (e.key === 'Enter' || e.key === 'Tab') {
                e.preventDefault();
                complete(candidates[mention.index]!);
                return;
              }
              if (e.key === 'Escape') {
                setMention(null);
                return;
              }
            }
            if (e.key === 'Escape' && (props.editing || props.replyTo)) {
              props.onCancel();
              if (props.editing) setText(getDraft(props.groupId));
            }
            if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
              e.preventDefault();
              submit();
            }
          }}
        />
        {over && (
          <span class="composer__over">
            {text.length}/{LIMITS.contentMax}
          </span>
        )}
        <button
          class="btn btn--primary composer__send"
          type="submit"
          disabled={props.disabled || !text.trim() || over}
          aria-label={props.editing ? 'Save' : 'Send'}
        >
          {props.editing ? 'Save' : 'Send'}
        </button>
      </form>
    </div>
  );
}
