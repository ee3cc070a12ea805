package dev.livesync.sync;

/**
 * How one target's runner schedules: its workers, its retry backoffs, the most paths it queues before
 * one full sync replaces them; {@code slots}: shared with the other targets ({@link TransferSlots});
 * {@code limits}: what waiting batches fold into ({@link WaitingSends}).
 */
record RunnerSettings(int workers, Backoff retry, Backoff fatalRetry, long maxQueuedPaths, TransferSlots slots, WaitingSends.Limits limits) {
  /** A sync's: retries from retry_base to retry_cap; after a refusal, from half the cap to at least five minutes. */
  static RunnerSettings of(EngineSettings s, TransferSlots slots) {
    long base = s.retryBase().toNanos(), cap = s.retryCap().toNanos();
    return new RunnerSettings(s.workers(), new Backoff(base, cap, new java.util.SplittableRandom()),
        new Backoff(Math.max(cap / 2, base), Math.max(cap, 300_000_000_000L), new java.util.SplittableRandom()), s.maxQueuedPaths(),
        slots, new WaitingSends.Limits(s.maxPaths(), s.maxBytes(), s.largeFile()));
  }

  /** A target of its own (tests): no other target shares its slots; the default batch limits. */
  RunnerSettings(int workers, Backoff retry, Backoff fatalRetry, long maxQueuedPaths) {
    this(workers, retry, fatalRetry, maxQueuedPaths, new TransferSlots(Math.max(workers, 1)), new WaitingSends.Limits(
        EngineSettings.DEFAULT_BATCH_MAX_FILES, EngineSettings.DEFAULT_BATCH_MAX_BYTES, EngineSettings.DEFAULT_LARGE_FILE));
  }
}
