/** A secret shown once (a token, a webhook URL): selectable, with a copy button. */
export function ShownOnce(props: { label: string; value: string }) {
  return (
    <div class="shown-once" role="status">
      <p>
        <strong>{props.label}</strong> — copy it now, it is not shown again.
      </p>
      <code class="shown-once__value">{props.value}</code>
      <button
        type="button"
        class="btn btn--small"
        onClick={() => void navigator.clipboard?.writeText(props.value).catch(() => undefined)}
      >
        Copy
      </button>
    </div>
  );
}
