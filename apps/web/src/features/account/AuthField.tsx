/** A labelled input of the sign-in and password pages (same look, same mobile attributes). */
export function AuthField(props: {
  label: string;
  name: string;
  type: 'email' | 'password' | 'text';
  autocomplete: string;
  value: string;
  onInput: (value: string) => void;
  minLength?: number;
}) {
  return (
    <label>
      {props.label}
      <input
        type={props.type}
        name={props.name}
        autocomplete={props.autocomplete}
        required
        value={props.value}
        {...(props.minLength ? { minLength: props.minLength } : {})}
        {...(props.type === 'email'
          ? { autocapitalize: 'off', spellcheck: false, inputMode: 'email' as const }
          : {})}
        {...(props.autocomplete === 'one-time-code'
          ? { autocapitalize: 'off', spellcheck: false, inputMode: 'text' as const, autoFocus: true }
          : {})}
        onInput={(e) => props.onInput(e.currentTarget.value)}
      />
    </label>
  );
}
