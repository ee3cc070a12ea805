package dev.livesync.config;

import dev.livesync.sync.DeletePolicy;
import dev.livesync.sync.EngineSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * One {@code [[sync]]}: a source tree and where it goes. See docs/config.md for every key.
 *
 * @param schedule periodic full resync interval; null when off
 * @param exec per-batch hook command (run by sh -c, the batch's paths NUL-separated on stdin); null when none
 * @param stateDir this sync's journal directory ({@code state_dir/<name>})
 */
public record SyncConfig(
    String name,
    Path source,
    List<String> exclude,
    Duration delay,
    int workers,
    int batchMaxFiles,
    long batchMaxBytes,
    long largeFileThreshold,
    Duration maxHold,
    DeletePolicy delete,
    Duration schedule,
    RetryConfig retry,
    String exec,
    List<TargetConfig> targets,
    Path stateDir) {

  // the engine's defaults, so that a config and the equivalent command line behave the same
  public static final Duration DEFAULT_DELAY = EngineSettings.DEFAULT_DELAY;
  public static final int DEFAULT_WORKERS = EngineSettings.DEFAULT_WORKERS;
  public static final int DEFAULT_BATCH_MAX_FILES = EngineSettings.DEFAULT_BATCH_MAX_FILES;
  public static final long DEFAULT_BATCH_MAX_BYTES = EngineSettings.DEFAULT_BATCH_MAX_BYTES;
  public static final long DEFAULT_LARGE_FILE_THRESHOLD = EngineSettings.DEFAULT_LARGE_FILE;
  public static final Duration DEFAULT_MAX_HOLD = EngineSettings.DEFAULT_MAX_HOLD;
  public static final DeletePolicy DEFAULT_DELETE = DeletePolicy.ALWAYS;

  public SyncConfig {
    exclude = List.copyOf(exclude);
    targets = List.copyOf(targets);
  }
}
