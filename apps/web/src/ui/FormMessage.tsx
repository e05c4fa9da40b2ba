/** What a form or section says after an action: an error (alert) or a confirmation (status). */
export interface Said {
  text: string;
  error: boolean;
}

export function FormMessage(props: { message: Said | null }) {
  const { message } = props;
  if (!message) return null;
  return (
    <p class={message.error ? 'form-error' : 'dialog__hint'} role={message.error ? 'alert' : 'status'}>
      {message.text}
    </p>
  );
}
