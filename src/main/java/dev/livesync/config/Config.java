package dev.livesync.config;

import java.nio.file.Path;
import java.util.List;

/**
 * A whole livesync.toml. Build with {@link ConfigLoader#load}. {@code serve} is null when the file
 * has no {@code [serve]} section; {@code logFile} null means stdout/stderr; {@code monitor} holds
 * {@code [http]} and {@code [alert]} ({@link MonitorConfig#NONE} when neither is there).
 */
public record Config(Path file, Path stateDir, Path logFile, String logLevel, List<SyncConfig> syncs, ServeConfig serve,
    MonitorConfig monitor) {
  public static final Path DEFAULT_PATH = Path.of("/etc/livesync/livesync.toml");
  public static final Path DEFAULT_STATE_DIR = Path.of("/var/lib/livesync");
  public static final String DEFAULT_LOG_LEVEL = "info";

  public Config {
    syncs = List.copyOf(syncs);
  }

  public SyncConfig sync(String name) {
    return syncs.stream().filter(s -> s.name().equals(name)).findFirst().orElse(null);
  }
}
