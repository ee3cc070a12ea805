package dev.livesync.server;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@code livesync serve} runs: one rsync daemon listening on {@code address:port} (address null
 * = every local address) with {@code modules}. {@code logFile} null means the daemon logs to our
 * stderr. {@code runtimeDir} receives the generated rsyncd.conf and secrets files (null in a config
 * file's {@code [serve]}: serve chooses it). {@code versions}:
 * prune clients' versions in the modules older than this (null: never); {@code snapshots}: take
 * hard-link snapshots of each module with this retention (null: none).
 */
public record ServeSpec(String address, int port, Path logFile, Path runtimeDir, List<ServeModule> modules,
    java.time.Duration versions, dev.livesync.settings.SnapshotRetention snapshots) {
  public static final int DEFAULT_PORT = 873;

  public ServeSpec {
    modules = List.copyOf(modules);
    if (versions != null) dev.livesync.settings.Key.VERSIONS.duration(versions);
  }

  /** A daemon that neither prunes versions nor takes snapshots. */
  public ServeSpec(String address, int port, Path logFile, Path runtimeDir, List<ServeModule> modules) {
    this(address, port, logFile, runtimeDir, modules, null, null);
  }

  /** The generated daemon config. */
  public Path configFile() {
    return runtimeDir.resolve("rsyncd.conf");
  }

  /** The daemon-side secrets file (user:password lines) for {@code module}. */
  public Path secretsFile(ServeModule module) {
    return runtimeDir.resolve("secrets." + module.name());
  }
}
