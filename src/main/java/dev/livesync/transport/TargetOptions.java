package dev.livesync.transport;

import dev.livesync.settings.Key;
import dev.livesync.settings.PasswordFile;
import dev.livesync.settings.SettingException;
import dev.livesync.settings.SshFiles;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One target's settings — {@code [[sync.target]]} in the config, run's per-target flags — checked
 * by their {@link Key}s when made: an instance holds only values the rules accept. {@code extraArgs}
 * are passed to every rsync run, {@link PassThroughArgs} having refused those that would break the
 * engine. Build with {@link #builder()}.
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
 * @param timeout rsync --timeout (I/O stall, exit 30 → retry) and connect timeout; zero: none
 * @param rsyncCommand the rsync program and any prefix (default {@code ["rsync"]})
 * @param versions how long a file overwritten or deleted at the target is kept under
 *     {@code .livesync/versions/} there; null: no versions
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
    Duration timeout,
    List<String> rsyncCommand,
    Duration versions) {

  public static final Duration DEFAULT_TIMEOUT = Key.TIMEOUT.duration(Key.TIMEOUT.defaultText());

  public TargetOptions {
    if (passwordFile != null) passwordFile = Key.PASSWORD_FILE.absolutePath(passwordFile);
    if (sshKey != null) sshKey = Key.SSH_KEY.absolutePath(sshKey);
    if (sshPort != 0) Key.SSH_PORT.whole(sshPort);
    if (knownHostsFile != null) knownHostsFile = Key.KNOWN_HOSTS.absolutePath(knownHostsFile);
    if (bwlimit != null) Key.BWLIMIT.text(bwlimit);
    extraArgs = List.copyOf(extraArgs == null ? List.of() : extraArgs);
    PassThroughArgs.check(extraArgs);
    excludes = List.copyOf(excludes == null ? List.of() : excludes);
    for (String e : excludes) Key.EXCLUDE.text(e); // (the sync's own are checked as EngineSettings; doctor's probe excludes "*")
    timeout = Key.TIMEOUT.duration(timeout == null ? DEFAULT_TIMEOUT : timeout);
    rsyncCommand = List.copyOf(rsyncCommand == null || rsyncCommand.isEmpty() ? List.of("rsync") : rsyncCommand);
    if (versions != null) Key.VERSIONS.duration(versions);
  }

  public static TargetOptions defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder().passwordFile(passwordFile).ssh(sshKey, sshPort, knownHostsFile).bwlimit(bwlimit).compress(compress)
        .checksum(checksum).extraArgs(extraArgs).excludes(excludes).timeout(timeout).rsyncCommand(rsyncCommand).versions(versions);
  }

  /**
   * What the files these options name do not allow: a password file against the one policy
   * ({@link PasswordFile}), an ssh key ssh would not use, a known_hosts file ssh could not make
   * ({@link SshFiles}). Empty when they are fine.
   */
  public List<SettingException> fileProblems() {
    List<SettingException> out = new ArrayList<>();
    String pw = passwordFile == null ? null : PasswordFile.problem(passwordFile);
    if (pw != null) out.add(Key.PASSWORD_FILE.refuse(passwordFile.toString(), pw));
    String key = sshKey == null ? null : SshFiles.keyProblem(sshKey, System.getenv("SSH_AUTH_SOCK"));
    if (key != null) out.add(Key.SSH_KEY.refuse(sshKey.toString(), key));
    String kh = knownHostsFile == null ? null : SshFiles.knownHostsProblem(knownHostsFile);
    if (kh != null) out.add(Key.KNOWN_HOSTS.refuse(knownHostsFile.toString(), kh));
    return out;
  }

  /** rsync's --timeout in seconds; 0: none. */
  public int timeoutSeconds() {
    return (int) timeout.toSeconds();
  }

  /** Unset values are the defaults; {@link #build()} checks every value. */
  public static final class Builder {
    private Path passwordFile;
    private Path sshKey;
    private int sshPort;
    private Path knownHostsFile;
    private String bwlimit;
    private boolean compress;
    private boolean checksum;
    private List<String> extraArgs = List.of();
    private List<String> excludes = List.of();
    private Duration timeout = DEFAULT_TIMEOUT;
    private List<String> rsyncCommand;
    private Duration versions;

    private Builder() {}

    public Builder passwordFile(Path f) {
      passwordFile = f;
      return this;
    }

    /** Identity file, port (0: ssh's default) and known_hosts file, each null for ssh's own. */
    public Builder ssh(Path key, int port, Path knownHosts) {
      sshKey = key;
      sshPort = port;
      knownHostsFile = knownHosts;
      return this;
    }

    public Builder bwlimit(String rate) {
      bwlimit = rate;
      return this;
    }

    public Builder compress(boolean on) {
      compress = on;
      return this;
    }

    public Builder checksum(boolean on) {
      checksum = on;
      return this;
    }

    public Builder extraArgs(List<String> args) {
      extraArgs = args;
      return this;
    }

    public Builder excludes(List<String> patterns) {
      excludes = patterns;
      return this;
    }

    public Builder timeout(Duration d) {
      timeout = d;
      return this;
    }

    public Builder rsyncCommand(List<String> command) {
      rsyncCommand = command;
      return this;
    }

    /** Keep overwritten and deleted files this long under {@code .livesync/versions/}; null: none. */
    public Builder versions(Duration keep) {
      versions = keep;
      return this;
    }

    public TargetOptions build() {
      return new TargetOptions(passwordFile, sshKey, sshPort, knownHostsFile, bwlimit, compress, checksum, extraArgs, excludes,
          timeout, rsyncCommand, versions);
    }
  }
}
