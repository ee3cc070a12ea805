package dev.livesync.transport;

import java.nio.file.Path;
import java.util.List;

/**
 * Per-target settings. {@code extraArgs} are passed to every rsync run after {@link
 * PassThroughArgs#check} has refused the ones that would break the engine.
 *
 * @param passwordFile rsync daemon password file (mode 0600); null: RSYNC_PASSWORD from the environment
 * @param sshKey ssh identity file; null: ssh's defaults
 * @param sshPort ssh port; 0: ssh's default (22 or ~/.ssh/config)
 * @param knownHostsFile known_hosts for ssh targets; null: the user's. New hosts are accepted once
 *     (StrictHostKeyChecking=accept-new); a changed key is refused.
 * @param bwlimit rsync --bwlimit value (e.g. "10m"); null: unlimited
 * @param compress rsync -z
 * @param checksum rsync -c (compare by checksum, not size+mtime)
 * @param excludes rsync exclude patterns, used by every run (sends, full syncs, compares)
 * @param timeoutSeconds rsync --timeout (I/O stall, exit 30 → retry) and connect timeout; 0: none
 * @param rsyncCommand the rsync program and any prefix (default {@code ["rsync"]})
 */
public record TargetOptions(
    Path passwordFile,
    Path sshKey,
    int sshPort,
    Path knownHostsFile,
    String bwlimit,
    boolean compress,
    boolean checksum,
    List<String> extraArgs,
    List<String> excludes,
    int timeoutSeconds,
    List<String> rsyncCommand) {

  public static final int DEFAULT_TIMEOUT_SECONDS = 120;

  public TargetOptions {
    extraArgs = List.copyOf(extraArgs == null ? List.of() : extraArgs);
    excludes = List.copyOf(excludes == null ? List.of() : excludes);
    rsyncCommand = List.copyOf(rsyncCommand == null || rsyncCommand.isEmpty() ? List.of("rsync") : rsyncCommand);
    if (sshPort < 0 || sshPort > 65535) throw new IllegalArgumentException("ssh port " + sshPort);
    PassThroughArgs.check(extraArgs);
  }

  public static TargetOptions defaults() {
    return new TargetOptions(null, null, 0, null, null, false, false, List.of(), List.of(), DEFAULT_TIMEOUT_SECONDS, null);
  }

  public TargetOptions withPasswordFile(Path f) {
    return new TargetOptions(f, sshKey, sshPort, knownHostsFile, bwlimit, compress, checksum, extraArgs, excludes, timeoutSeconds, rsyncCommand);
  }

  public TargetOptions withSsh(Path key, int port, Path knownHosts) {
    return new TargetOptions(passwordFile, key, port, knownHosts, bwlimit, compress, checksum, extraArgs, excludes, timeoutSeconds, rsyncCommand);
  }

  public TargetOptions withTuning(String bwlimit, boolean compress, boolean checksum, List<String> extraArgs) {
    return new TargetOptions(passwordFile, sshKey, sshPort, knownHostsFile, bwlimit, compress, checksum, extraArgs, excludes, timeoutSeconds, rsyncCommand);
  }

  public TargetOptions withExcludes(List<String> excludes) {
    return new TargetOptions(passwordFile, sshKey, sshPort, knownHostsFile, bwlimit, compress, checksum, extraArgs, excludes, timeoutSeconds, rsyncCommand);
  }

  public TargetOptions withTimeoutSeconds(int seconds) {
    return new TargetOptions(passwordFile, sshKey, sshPort, knownHostsFile, bwlimit, compress, checksum, extraArgs, excludes, seconds, rsyncCommand);
  }

  public TargetOptions withRsyncCommand(List<String> command) {
    return new TargetOptions(passwordFile, sshKey, sshPort, knownHostsFile, bwlimit, compress, checksum, extraArgs, excludes, timeoutSeconds, command);
  }
}
