import { Component, type FunctionComponent, h } from 'preact';

function sameProps(a: object, b: object): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => (a as Record<string, unknown>)[k] === (b as Record<string, unknown>)[k]);
}

/**
 * Renders `Inner` again only when a prop changed (by identity): a row whose message, flags and
 * callbacks are the same skips its render when the list around it re-renders. (preact/compat's
 * `memo` does the same but brings all of compat into the bundle.)
 */
export function memo<P extends object>(Inner: FunctionComponent<P>) {
  return class Memo extends Component<P> {
    override shouldComponentUpdate(next: P): boolean {
      return !sameProps(this.props, next);
    }
    override render() {
      return h(Inner, this.props);
    }
  };
}
