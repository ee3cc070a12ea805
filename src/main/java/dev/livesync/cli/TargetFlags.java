package dev.livesync.cli;

import dev.livesync.settings.Key;
import dev.livesync.transport.Target;
import dev.livesync.transport.TargetOptions;
import dev.livesync.transport.TargetSpec;
import java.nio.file.Path;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** A target as {@code versions} and {@code restore} read it: TARGET and run's credential flags, checked by their keys. */
final class TargetFlags {
  @Parameters(index = "0", paramLabel = "TARGET", description = {"The target as run was given it, one of:", "a local directory, [user@]host:/path (rsync over ssh),", "rsync://[user@]host[:port]/module[/path] or [user@]host::module[/path] (daemon)."})
  String url;

  @Option(names = "--password-file", paramLabel = "FILE", description = "rsync daemon password file (mode 0600; else RSYNC_PASSWORD from the environment).")
  Path passwordFile;

  @Option(names = "--ssh-key", paramLabel = "FILE", description = "ssh identity for host:/path targets.")
  Path sshKey;

  @Option(names = "--ssh-port", paramLabel = "PORT", description = "ssh port (default: ssh's).")
  Integer sshPort;

  @Option(names = "--known-hosts", paramLabel = "FILE", description = "known_hosts for ssh targets.")
  Path knownHosts;

  TargetSpec spec() {
    Target t = Target.parse(url);
    var all = TargetOptions.builder()
        .passwordFile(absolute(passwordFile))
        .ssh(absolute(sshKey), t instanceof Target.Ssh && sshPort != null ? (int) Key.SSH_PORT.whole(sshPort) : 0, absolute(knownHosts));
    return new TargetSpec(t, credentialsFor(t, all.build()));
  }

  /** {@code all} with only the credentials {@code t}'s kind uses: the password file for a daemon, the ssh flags for ssh. */
  static TargetOptions credentialsFor(Target t, TargetOptions all) {
    var o = all.toBuilder();
    if (!(t instanceof Target.Daemon)) o.passwordFile(null);
    if (!(t instanceof Target.Ssh)) o.ssh(null, 0, null);
    return o.build();
  }

  static Path absolute(Path p) {
    return p == null ? null : p.toAbsolutePath().normalize();
  }
}
