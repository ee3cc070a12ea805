package dev.livesync.sync;

import dev.livesync.transport.Transport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Everything one sync (a source and its targets) needs, independent of how it was configured
 * (command line or TOML). {@code schedule} null = no periodic full sync; {@code exec} null = no hook.
 */
public record EngineSettings(
    String name,
    byte[] source,
    List<Transport> targets,
    Excludes excludes,
    Duration delay,
    Duration maxHold,
    int workers,
    DeletePolicy delete,
    Path stateDir,
    String exec,
    Duration schedule,
    int maxPaths,
    long maxBytes,
    long largeFile,
    long maxQueuedPaths,
    Duration retryBase,
    Duration retryCap) {

  public static final Duration DEFAULT_DELAY = Duration.ofMillis(200);
  public static final Duration DEFAULT_MAX_HOLD = Duration.ofSeconds(10);
  public static final int DEFAULT_WORKERS = 4;
  /** Batches grow up to this under load (the benchmarks in docs/benchmarks.md ran with it). */
  public static final int DEFAULT_BATCH_MAX_FILES = 2000;
  public static final long DEFAULT_BATCH_MAX_BYTES = 64L << 20;
  public static final long DEFAULT_LARGE_FILE = 16L << 20;
  public static final Path DEFAULT_STATE_ROOT = Path.of("/var/lib/livesync");
  /** A target with more queued paths than this gets one full sync instead (it was down for long). */
  public static final long DEFAULT_MAX_QUEUED_PATHS = 200_000;

  /** Defaults for everything but the source, targets and name. */
  public static EngineSettings of(String name, byte[] source, List<Transport> targets) {
    return new EngineSettings(name, source, List.copyOf(targets), Excludes.NONE, DEFAULT_DELAY, DEFAULT_MAX_HOLD, DEFAULT_WORKERS,
        DeletePolicy.ALWAYS, DEFAULT_STATE_ROOT.resolve(name), null, null, DEFAULT_BATCH_MAX_FILES, DEFAULT_BATCH_MAX_BYTES,
        DEFAULT_LARGE_FILE, DEFAULT_MAX_QUEUED_PATHS,
        Duration.ofSeconds(1), Duration.ofSeconds(60));
  }

  public EngineSettings withExcludes(Excludes e) {
    return new EngineSettings(name, source, targets, e, delay, maxHold, workers, delete, stateDir, exec, schedule,
        maxPaths, maxBytes, largeFile, maxQueuedPaths, retryBase, retryCap);
  }

  public EngineSettings withDelay(Duration d) {
    return new EngineSettings(name, source, targets, excludes, d, maxHold, workers, delete, stateDir, exec, schedule,
        maxPaths, maxBytes, largeFile, maxQueuedPaths, retryBase, retryCap);
  }

  public EngineSettings withMaxHold(Duration d) {
    return new EngineSettings(name, source, targets, excludes, delay, d, workers, delete, stateDir, exec, schedule,
        maxPaths, maxBytes, largeFile, maxQueuedPaths, retryBase, retryCap);
  }

  public EngineSettings withWorkers(int n) {
    return new EngineSettings(name, source, targets, excludes, delay, maxHold, n, delete, stateDir, exec, schedule,
        maxPaths, maxBytes, largeFile, maxQueuedPaths, retryBase, retryCap);
  }

  public EngineSettings withDelete(DeletePolicy p) {
    return new EngineSettings(name, source, targets, excludes, delay, maxHold, workers, p, stateDir, exec, schedule,
        maxPaths, maxBytes, largeFile, maxQueuedPaths, retryBase, retryCap);
  }

  public EngineSettings withStateDir(Path dir) {
    return new EngineSettings(name, source, targets, excludes, delay, maxHold, workers, delete, dir, exec, schedule,
        maxPaths, maxBytes, largeFile, maxQueuedPaths, retryBase, retryCap);
  }

  public EngineSettings withExec(String cmd) {
    return new EngineSettings(name, source, targets, excludes, delay, maxHold, workers, delete, stateDir, cmd, schedule,
        maxPaths, maxBytes, largeFile, maxQueuedPaths, retryBase, retryCap);
  }

  public EngineSettings withSchedule(Duration every) {
    return new EngineSettings(name, source, targets, excludes, delay, maxHold, workers, delete, stateDir, exec, every,
        maxPaths, maxBytes, largeFile, maxQueuedPaths, retryBase, retryCap);
  }

  public EngineSettings withRetry(Duration base, Duration cap) {
    return new EngineSettings(name, source, targets, excludes, delay, maxHold, workers, delete, stateDir, exec, schedule,
        maxPaths, maxBytes, largeFile, maxQueuedPaths, base, cap);
  }

  public EngineSettings withBatchLimits(int files, long bytes) {
    return new EngineSettings(name, source, targets, excludes, delay, maxHold, workers, delete, stateDir, exec, schedule,
        files, bytes, largeFile, maxQueuedPaths, retryBase, retryCap);
  }
}
