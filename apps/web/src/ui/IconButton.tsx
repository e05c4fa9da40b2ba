import type { ComponentChildren } from 'preact';

/** A square button showing an icon; its label is both the tooltip and the accessible name. */
export function IconButton(props: {
  label: string;
  onClick: () => void;
  extraClass?: string;
  children: ComponentChildren;
}) {
  return (
    <button
      type="button"
      class={props.extraClass ? `icon-btn ${props.extraClass}` : 'icon-btn'}
      title={props.label}
      aria-label={props.label}
      onClick={props.onClick}
    >
      {props.children}
    </button>
  );
}
