import { describe } from 'node:test';
import { MemoryPresence } from '../src/presence.memory.ts';
import { presenceContract } from './presence.contract.ts';

describe('MemoryPresence', () => {
  presenceContract('memory', async () => {
    let now = 1_000_000;
    const ttlMs = 1000;
    return {
      store: new MemoryPresence({ ttlMs, now: () => now }),
      ttlMs,
      advance: async (ms) => {
        now += ms;
      },
    };
  });
});
