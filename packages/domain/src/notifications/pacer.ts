/**
 * At most `perSecond` starts a second, evenly spaced, for everyone who calls `take()` (all
 * fan-outs of an instance share one): a big fan-out is spread over seconds instead of taking
 * every core at once, which is what kept other people's sends fast on a small machine.
 */
export function createPacer(perSecond: number, now: () => number = () => performance.now()) {
  const gap = 1000 / perSecond;
  let next = 0;
  return {
    async take(): Promise<void> {
      const at = Math.max(now(), next);
      next = at + gap;
      const wait = at - now();
      if (wait >= 1) await new Promise((resolve) => setTimeout(resolve, wait));
    },
  };
}
