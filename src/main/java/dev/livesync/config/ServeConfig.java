package dev.livesync.config;

import java.nio.file.Path;
import java.util.List;

/**
 * The {@code [serve]} section: the rsync daemon {@code livesync serve} runs on a backup host.
 *
 * @param address listen address; null: all addresses
 * @param logFile rsync daemon log file; null: the daemon's log goes to livesync's log
 */
public record ServeConfig(String address, int port, Path logFile, List<Module> modules) {
  public static final int DEFAULT_PORT = 873;

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
