import { LIMITS } from '@rosterchirp/protocol';
import { useEffect, useRef, useState } from 'preact/hooks';

/** Enter sends, Shift+Enter adds a line; drafts are kept per conversation. */
const drafts = new Map<number, string>();

export function Composer(props: {
  groupId: number;
  placeholder: string;
  disabled: boolean;
  onSend: (text: string) => void;
  onTyping: () => void;
}) {
  const [text, setText] = useState(drafts.get(props.groupId) ?? '');
  const area = useRef<HTMLTextAreaElement>(null);
  const lastTyping = useRef(0);

  useEffect(() => {
    setText(drafts.get(props.groupId) ?? '');
    area.current?.focus();
  }, [props.groupId]);

  useEffect(() => {
    const el = area.current;
    if (!el) return;
    el.style.height = 'auto';
    el.style.height = `${Math.min(el.scrollHeight, 200)}px`;
  }, [text]);

  function send() {
    const value = text.trim();
    if (!value || props.disabled) return;
    props.onSend(value);
    setText('');
    drafts.delete(props.groupId);
  }

  const over = text.length > LIMITS.contentMax;
  return (
    <form
      class="composer"
      onSubmit={(e) => {
        e.preventDefault();
        send();
      }}
    >
      <textarea
        ref={area}
        rows={1}
        value={text}
        placeholder={props.placeholder}
        disabled={props.disabled}
        aria-label="Message"
        autocomplete="off"
        autocapitalize="sentences"
        spellcheck
        enterkeyhint="send"
        onInput={(e) => {
          const v = e.currentTarget.value;
          setText(v);
          drafts.set(props.groupId, v);
          if (Date.now() - lastTyping.current > 2500) {
            lastTyping.current = Date.now();
            props.onTyping();
          }
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
            e.preventDefault();
            send();
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
        aria-label="Send"
      >
        Send
      </button>
    </form>
  );
}
