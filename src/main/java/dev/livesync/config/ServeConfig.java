package dev.livesync.config;

import java.nio.file.Path;
import java.util.List;

/**
 * The {@code [serve]} section: the rsync daemon {@code livesync serve} runs on a backup host.
 *
 * @param address listen address; null: all addresses
 * @param logFile rsync daemon log file; null: the daemon's log goes to livesync's log
 * @param versions prune clients' versions older than this in every module; null: never
 * @param snapshots hard-link snapshots of every module with this retention; null: none
 */
public record ServeConfig(String address, int port, Path logFile, List<Module> modules, java.time.Duration versions,
    dev.livesync.settings.SnapshotRetention snapshots) {
  public static final int DEFAULT_PORT = 873;

  public ServeConfig(String address, int port, Path logFile, List<Module> modules) {
    this(address, port, logFile, modules, null, null);
  }

  public ServeConfig {
    modules = List.copyOf(modules);
  }

  /**
   * One {@code [[serve.module]]}. {@code user} null: no authentication (then {@code passwordFile}
   * is null too); {@code maxConnections} 0: unlimited.
   */
  public record Module(
      String name,
      Path path,
      String user,
      Path passwordFile,
      String comment,
      boolean readOnly,
      List<String> hostsAllow,
      int maxConnections,
      String uid,
      String gid) {
    public Module {
      hostsAllow = List.copyOf(hostsAllow);
    }
  }
}
