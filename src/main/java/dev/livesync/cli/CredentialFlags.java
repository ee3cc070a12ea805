package dev.livesync.cli;

import dev.livesync.settings.Key;
import dev.livesync.transport.Target;
import dev.livesync.transport.TargetOptions;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * A target's credentials as {@code run}, {@code doctor}, {@code verify}, {@code versions} and
 * {@code restore} take them: the password file of daemon targets, the ssh identity, port and
 * known_hosts of ssh targets. Each value is checked by its {@link Key} when the options are built.
 */
final class CredentialFlags {
  @Option(names = "--password-file", paramLabel = "FILE", description = "rsync daemon password file (mode 0600, owned by the user running livesync; else RSYNC_PASSWORD from the environment).")
  Path passwordFile;

  @Option(names = "--ssh-key", paramLabel = "FILE", description = "ssh identity for host:/path targets.")
  Path sshKey;

  @Option(names = "--ssh-port", paramLabel = "PORT", description = "ssh port (default: ssh's).")
  Integer sshPort;

  @Option(names = "--known-hosts", paramLabel = "FILE", description = "known_hosts for ssh targets (new hosts are accepted once, changed keys refused).")
  Path knownHosts;

  /**
   * Target options with these credentials, their paths made absolute; {@code withPort}: --ssh-port
   * too (checked by its key), else ssh's own port.
   */
  TargetOptions.Builder options(boolean withPort) {
    return TargetOptions.builder()
        .passwordFile(absolute(passwordFile))
        .ssh(absolute(sshKey), withPort && sshPort != null ? (int) Key.SSH_PORT.whole(sshPort) : 0, absolute(knownHosts));
  }

  /** {@code all} with only the credentials {@code t}'s kind uses: the password file for a daemon, the ssh flags for ssh. */
  static TargetOptions credentialsFor(Target t, TargetOptions all) {
    var o = all.toBuilder();
    if (!(t instanceof Target.Daemon)) o.passwordFile(null);
    if (!(t instanceof Target.Ssh)) o.ssh(null, 0, null);
    return o.build();
  }

  private static Path absolute(Path p) {
    // an empty value ('--password-file= FILE') stays empty, for the check to say so (absolute, it was the current directory)
    return p == null ? null : p.toString().isEmpty() ? p : p.toAbsolutePath().normalize();
  }
}
