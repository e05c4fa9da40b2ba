/** The "‹" a phone shows at the top left to go back a pane (hidden on wide screens by CSS). */
export function BackButton(props: { label: string; onClick: () => void }) {
  return (
    <button type="button" class="icon-btn back-btn" aria-label={props.label} onClick={props.onClick}>
      ‹
    </button>
  );
}
