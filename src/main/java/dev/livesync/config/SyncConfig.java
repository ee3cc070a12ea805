package dev.livesync.config;

import dev.livesync.sync.DeletePolicy;
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

  public static final Duration DEFAULT_DELAY = Duration.ofMillis(200);
  public static final int DEFAULT_WORKERS = 4;
  public static final int DEFAULT_BATCH_MAX_FILES = 1000;
  public static final long DEFAULT_BATCH_MAX_BYTES = 64L << 20;
  public static final long DEFAULT_LARGE_FILE_THRESHOLD = 16L << 20;
  public static final Duration DEFAULT_MAX_HOLD = Duration.ofSeconds(10);
  public static final DeletePolicy DEFAULT_DELETE = DeletePolicy.ALWAYS;

  public SyncConfig {
    exclude = List.copyOf(exclude);
    targets = List.copyOf(targets);
  }
}
