// Preloaded into a benchmark's instances (with --expose-gc): SIGUSR2 runs two full garbage
// collections, so memory read right after is what live connections hold, not the garbage
// their handshakes left. Benchmarks only; never in a deployment.
process.on('SIGUSR2', () => {
  globalThis.gc?.();
  globalThis.gc?.();
});
