/**
 * A system line as text, with `#call:<id>` (a "started a call" announcement) turned into a
 * "Join the call" link the app handles (App.tsx listens for the hash).
 */
export function SystemText({ text }: { text: string }) {
  const m = /#call:(\d+)/.exec(text);
  if (!m) return <>{text}</>;
  return (
    <>
      {text.slice(0, m.index)}
      <a href={`#call:${m[1]}`} class="join-call">
        Join the call
      </a>
      {text.slice(m.index + m[0].length)}
    </>
  );
}
