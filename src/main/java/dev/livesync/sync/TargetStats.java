package dev.livesync.sync;

import dev.livesync.transport.ExitCodes;
import dev.livesync.transport.TransferResult;

/** What a target's status says of its past: what arrived, what failed last and when. Loop thread only. */
final class TargetStats {
  private long lastSuccessMillis;
  private long deliveredFiles, deliveredBytes, failures;
  private String lastError = "";
  private int lastExitCode = -1;
  private long lastErrorMillis;

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
        lastExitCode, lastExitCode < 0 ? "" : ExitCodes.meaning(lastExitCode), deletionsHeld, warning);
  }
}
