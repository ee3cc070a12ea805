package dev.livesync.sync;

import dev.livesync.transport.ExitCodes;
import dev.livesync.transport.TransferResult;

/**
 * What a target's status says of its past: what arrived, what failed last and when; and how far a
 * running full sync is. Loop thread only, but for {@link #fullSyncProgress}, which a worker calls.
 */
final class TargetStats {
  private volatile String fullSyncProgress = "";
  private long lastSuccessMillis;
  private long deliveredFiles, deliveredBytes, failures;
  private String lastError = "";
  private int lastExitCode = -1;
  private long lastErrorMillis;

  /** The last progress line of the full sync running now (a worker thread tells it). */
  void fullSyncProgress(String line) {
    fullSyncProgress = line;
  }

  /** Where full syncs tell their progress: the status always ({@code livesync status}), and {@code listener} when it wants it. */
  java.util.function.Consumer<String> progressTo(DeliveryListener listener, String target) {
    if (!listener.wantsProgress()) return this::fullSyncProgress;
    return line -> {
      fullSyncProgress(line);
      listener.fullSyncProgress(target, line);
    };
  }

  /** A full sync starts: what the one before said of its progress is no longer true. */
  void fullSyncStarts() {
    fullSyncProgress = "";
  }

  void delivered(TransferResult r, long epochMillis) {
    lastSuccessMillis = epochMillis;
    deliveredFiles += r.files();
    deliveredBytes += r.bytes();
  }

  void failed(TransferResult r, long epochMillis) {
    failures++;
    lastError = r.message();
    lastExitCode = r.exitCode();
    lastErrorMillis = epochMillis;
  }

  EngineStatus.Target status(String name, String state, TargetQueue queue, int running, long lagMillis, long nextAttemptMillis,
      long deletionsHeld, String warning) {
    return new EngineStatus.Target(name, state, queue.size(), queue.queuedPaths(), running, lastSuccessMillis, lagMillis,
        deliveredFiles, deliveredBytes, failures, lastError, lastErrorMillis, nextAttemptMillis, queue.bytes(), queue.liveRecords(),
        lastExitCode, lastExitCode < 0 ? "" : ExitCodes.meaning(lastExitCode), deletionsHeld, warning,
        state.equals("syncing") ? fullSyncProgress : "");
  }
}
