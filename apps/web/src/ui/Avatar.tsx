import { avatarColor, initials } from '@rosterchirp/protocol/client';

/** Server-made avatars come in 256 px and, under `thumb/`, 64 px: small circles take the small one. */
const sized = (url: string, size: number) => (size <= 64 ? url.replace('/avatar/', '/thumb/') : url);

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
        <img src={sized(props.url, size)} alt="" loading="lazy" />
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
