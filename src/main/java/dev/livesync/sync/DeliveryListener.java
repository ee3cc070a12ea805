package dev.livesync.sync;

import dev.livesync.transport.TransferResult;

/**
 * Told, on the engine loop thread, each time a work item reached a target ({@code bench} measures
 * lag with it; tests await convergence). Must return quickly.
 */
public interface DeliveryListener {
  void delivered(String target, WorkItem item, TransferResult result, long nowNanos);

  /** Told, on the engine loop thread, that {@code item} starts at {@code target} (each attempt; {@link #finished} follows). Must return quickly. */
  default void started(String target, WorkItem item) {}

  /**
   * Told, on the engine loop thread, the result of every finished work item whatever its outcome
   * (OK before {@link #delivered}, and PARTIAL, RETRY, FATAL): metrics count transfers by rsync exit
   * code and failures with it. Must return quickly.
   */
  default void finished(String target, WorkItem item, TransferResult result, long nowNanos) {}

  /** Whether {@link #fullSyncProgress} is wanted (it makes full syncs report rsync's overall progress). */
  default boolean wantsProgress() {
    return false;
  }

  /**
   * A progress line of a running full sync (rsync's {@code --info=progress2}: bytes, percent, rate,
   * elapsed, transfers, files left to check), called on a worker thread a few times a second.
   */
  default void fullSyncProgress(String target, String line) {}

  DeliveryListener NONE = (t, i, r, n) -> {};

  /** Tells each of {@code listeners} (nulls left out) everything, in order. */
  static DeliveryListener all(DeliveryListener... listeners) {
    var ls = java.util.Arrays.stream(listeners).filter(java.util.Objects::nonNull).toList();
    if (ls.isEmpty()) return NONE;
    if (ls.size() == 1) return ls.getFirst();
    return new DeliveryListener() {
      @Override
      public void delivered(String target, WorkItem item, TransferResult result, long nowNanos) {
        for (DeliveryListener l : ls) l.delivered(target, item, result, nowNanos);
      }

      @Override
      public void started(String target, WorkItem item) {
        for (DeliveryListener l : ls) l.started(target, item);
      }

      @Override
      public void finished(String target, WorkItem item, TransferResult result, long nowNanos) {
        for (DeliveryListener l : ls) l.finished(target, item, result, nowNanos);
      }

      @Override
      public boolean wantsProgress() {
        return ls.stream().anyMatch(DeliveryListener::wantsProgress);
      }

      @Override
      public void fullSyncProgress(String target, String line) {
        for (DeliveryListener l : ls) if (l.wantsProgress()) l.fullSyncProgress(target, line);
      }
    };
  }
}
