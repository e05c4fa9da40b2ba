/**
 * Group commit for independent writes: a write asked for while another of the same key is in
 * flight waits and goes with everything else that arrived meanwhile, as one batch (one statement,
 * one commit). An idle key writes at once — no timer, no added latency — and under load the
 * batches grow with the load, which is where the saving is: one round trip, one transaction and
 * one WAL flush for many rows.
 *
 * `write` gets the batch in arrival order and answers one result per item, in the same order.
 * If a batch of several fails, each item is tried again on its own (concurrently), so one bad
 * item fails only its own caller and the others are written.
 */
export interface WriteBatcherOptions {
  /** The most items in one write; more wait for the next. */
  maxBatch: number;
}

interface Pending<I, O> {
  item: I;
  resolve: (value: O) => void;
  reject: (reason: unknown) => void;
}

/** A key being written: it exists exactly while its drain runs. */
interface KeyState<C, I, O> {
  context: C;
  queue: Array<Pending<I, O>>;
}

export type KeyedWrite<C, I, O> = (context: C, items: I[]) => Promise<O[]>;

/**
 * Batches per key (e.g. per tenant schema: a batch runs in one tenant's schema). `context` is
 * what the write needs to run (the first waiting caller's, e.g. its database handle).
 */
export function keyedWriteBatcher<C, I, O>(
  write: KeyedWrite<C, I, O>,
  options: WriteBatcherOptions,
): (key: string, context: C, item: I) => Promise<O> {
  const states = new Map<string, KeyState<C, I, O>>();

  const writeOne = async (context: C, pending: Pending<I, O>) => {
    try {
      const [result] = await write(context, [pending.item]);
      pending.resolve(result as O);
    } catch (err) {
      pending.reject(err);
    }
  };

  const drain = async (key: string, state: KeyState<C, I, O>) => {
    while (state.queue.length > 0) {
      const batch = state.queue.splice(0, options.maxBatch);
      const { context } = state;
      try {
        const results = await write(
          context,
          batch.map((p) => p.item),
        );
        if (results.length !== batch.length) {
          throw new Error(`A batch write answered ${results.length} results for ${batch.length} items`);
        }
        for (const [i, p] of batch.entries()) p.resolve(results[i] as O);
      } catch (err) {
        if (batch.length === 1) batch[0]!.reject(err);
        else await Promise.all(batch.map((p) => writeOne(context, p)));
      }
    }
    states.delete(key);
  };

  return (key, context, item) =>
    new Promise<O>((resolve, reject) => {
      const pending = { item, resolve, reject };
      const state = states.get(key);
      if (state) {
        state.queue.push(pending);
        return;
      }
      const started: KeyState<C, I, O> = { context, queue: [pending] };
      states.set(key, started);
      void drain(key, started);
    });
}
