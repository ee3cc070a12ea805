package dev.livesync.transport;

import dev.livesync.settings.Key;

/**
 * One target of a sync: where ({@link Target}) and how ({@link TargetOptions}). Options meant for
 * another kind of target are refused here: a password file is for rsync daemons, ssh settings for
 * ssh targets.
 */
public record TargetSpec(Target target, TargetOptions options) {
  public TargetSpec {
    if (options.passwordFile() != null && !(target instanceof Target.Daemon)) {
      throw Key.PASSWORD_FILE.refuse(options.passwordFile().toString(), "only rsync daemon targets (rsync://... or host::module) use a password file");
    }
    if (!(target instanceof Target.Ssh)) {
      if (options.sshKey() != null) throw sshOnly(Key.SSH_KEY, options.sshKey().toString());
      if (options.sshPort() != 0) throw sshOnly(Key.SSH_PORT, Integer.toString(options.sshPort()));
      if (options.knownHostsFile() != null) throw sshOnly(Key.KNOWN_HOSTS, options.knownHostsFile().toString());
    }
  }

  private static RuntimeException sshOnly(Key key, String value) {
    return key.refuse(value, "only ssh targets ([user@]host:/path) use it");
  }

  /** Parses {@code url} (see {@link Target#parse}). */
  public static TargetSpec of(String url, TargetOptions options) {
    return new TargetSpec(Target.parse(url), options);
  }

  public String describe() {
    return target.describe();
  }
}
