/** Told how long each store call took (the /metrics histogram by store and method). */
export type StoreCallObserver = (store: string, method: string, seconds: number) => void;

/**
 * The same store, with every method timed: success or failure, the duration goes to `observe`.
 * One wrapper for every store, so a new method is measured without anyone remembering to.
 */
export function timed<T extends object>(name: string, store: T, observe: StoreCallObserver): T {
  const wrapped = {} as Record<string, unknown>;
  for (const [method, value] of Object.entries(store)) {
    if (typeof value !== 'function') {
      wrapped[method] = value;
      continue;
    }
    wrapped[method] = async (...args: unknown[]) => {
      const started = process.hrtime.bigint();
      try {
        return await (value as (...a: unknown[]) => Promise<unknown>).apply(store, args);
      } finally {
        observe(name, method, Number(process.hrtime.bigint() - started) / 1e9);
      }
    };
  }
  return wrapped as T;
}
