package dev.livesync.sync;

import dev.livesync.transport.TransferResult;

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

  /**
   * When the paths a send did not carry ({@code r}, PARTIAL) go again after its {@code attempts}th
   * attempt. The source moving under rsync is no fault of the target's: no growing backoff, and the
   * first time no wait at all, since what the paths are now is what the retry sends (GNU tar's
   * placeholder file a symlink now, a temporary file gone). A retry that waits holds back every later
   * item touching its paths or a directory above them: the directory times tar sets at its end waited
   * a second for three such paths. Deletions put off while another send's are judged (exit 0, no rsync
   * run saw anything move) wait the first retry delay at the longest: {@link JudgementWaits} lets them go
   * when that send ends.
   */
  long partialRetryNanos(int attempts, TransferResult r) {
    if (!r.sourceMoved()) return retry.delayNanos(attempts);
    return !WithoutDeletions.putOff(r) && attempts <= 1 ? 0 : retry.delayNanos(1);
  }

  /** A target of its own (tests): no other target shares its slots; the default batch limits. */
  RunnerSettings(int workers, Backoff retry, Backoff fatalRetry, long maxQueuedPaths) {
    this(workers, retry, fatalRetry, maxQueuedPaths, new TransferSlots(Math.max(workers, 1)), new WaitingSends.Limits(
        EngineSettings.DEFAULT_BATCH_MAX_FILES, EngineSettings.DEFAULT_BATCH_MAX_BYTES, EngineSettings.DEFAULT_LARGE_FILE));
  }
}
