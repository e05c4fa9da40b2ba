/**
 * How many times each counted component has rendered, on `window.__rosterchirpRenders` — a
 * number per name, cheap enough to keep in production. Tests read it to prove an event
 * re-renders only what shows it; anyone can read it in the console.
 */
const counts: Record<string, number> = {};
(globalThis as { __rosterchirpRenders?: Record<string, number> }).__rosterchirpRenders = counts;

export function countRender(name: string): void {
  counts[name] = (counts[name] ?? 0) + 1;
}
