package dev.livesync.config;

import dev.livesync.server.ServeModule;
import java.nio.file.Path;
import java.util.List;

/**
 * The {@code [serve]} section: the rsync daemon {@code livesync serve} runs on a backup host. Its
 * {@code [[serve.module]]} entries are read straight into {@link ServeModule}s, what the daemon serves.
 *
 * @param address listen address; null: all addresses
 * @param logFile rsync daemon log file; null: the daemon's log goes to livesync's log
 * @param versions prune clients' versions older than this in every module; null: never
 * @param snapshots hard-link snapshots of every module with this retention; null: none
 */
public record ServeConfig(String address, int port, Path logFile, List<ServeModule> modules, java.time.Duration versions,
    dev.livesync.settings.SnapshotRetention snapshots) {
  public static final int DEFAULT_PORT = 873;

  public ServeConfig(String address, int port, Path logFile, List<ServeModule> modules) {
    this(address, port, logFile, modules, null, null);
  }

  public ServeConfig {
    modules = List.copyOf(modules);
  }
}
