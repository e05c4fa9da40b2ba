import { avatarColor, initials } from '@rosterchirp/protocol';

export function Avatar(props: {
  name: string;
  url?: string | null;
  size?: number;
  online?: boolean;
  square?: boolean;
}) {
  const size = props.size ?? 36;
  return (
    <span
      class={`avatar${props.square ? ' avatar--square' : ''}`}
      style={{ width: size, height: size }}
      aria-hidden="true"
    >
      {props.url ? (
        <img src={props.url} alt="" />
      ) : (
        <span class="avatar__initials" style={{ background: avatarColor(props.name), fontSize: size * 0.4 }}>
          {initials(props.name)}
        </span>
      )}
      {props.online !== undefined && (
        <span class={`presence-dot${props.online ? ' presence-dot--on' : ''}`} />
      )}
    </span>
  );
}
