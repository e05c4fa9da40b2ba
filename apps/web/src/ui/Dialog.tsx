import type { ComponentChildren } from 'preact';

/** A modal dialog: backdrop (click or Escape closes), titled header with a close button. */
export function Dialog(props: {
  label: string;
  title: string;
  onClose: () => void;
  children: ComponentChildren;
}) {
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: a backdrop click is a mouse shortcut; Escape and the × button serve keyboards
    <div
      class="dialog-backdrop"
      role="presentation"
      onClick={(e) => e.target === e.currentTarget && props.onClose()}
      onKeyDown={(e) => e.key === 'Escape' && props.onClose()}
    >
      <div class="dialog" role="dialog" aria-modal="true" aria-label={props.label}>
        <header class="dialog__header">
          <h2>{props.title}</h2>
          <button type="button" class="icon-btn" aria-label="Close" onClick={props.onClose}>
            ×
          </button>
        </header>
        {props.children}
      </div>
    </div>
  );
}
