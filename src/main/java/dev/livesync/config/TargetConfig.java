package dev.livesync.config;

import dev.livesync.transport.Target;
import dev.livesync.transport.TargetOptions;
import java.nio.file.Path;
import java.util.List;

/**
 * One {@code [[sync.target]]}. {@code target} is {@code url} parsed. Unset optional values are null
 * (paths, bwlimit) or 0 (sshPort).
 */
public record TargetConfig(
    String url,
    Target target,
    Path passwordFile,
    Path sshKey,
    int sshPort,
    Path knownHostsFile,
    String bwlimit,
    boolean compress,
    boolean checksum,
    List<String> extraArgs,
    int timeoutSeconds) {

  public TargetConfig {
    extraArgs = List.copyOf(extraArgs);
  }

  /** The transport options for this target, with the sync's excludes. */
  public TargetOptions options(List<String> excludes) {
    return new TargetOptions(passwordFile, sshKey, sshPort, knownHostsFile, bwlimit, compress, checksum, extraArgs, excludes,
        timeoutSeconds, null);
  }
}
