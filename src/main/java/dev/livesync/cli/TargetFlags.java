package dev.livesync.cli;

import dev.livesync.transport.Target;
import dev.livesync.transport.TargetSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** A target as {@code versions} and {@code restore} read it: TARGET and run's credential flags, checked by their keys. */
final class TargetFlags {
  @Parameters(index = "0", paramLabel = "TARGET", description = {"The target as run was given it, one of:", "a local directory, [user@]host:/path (rsync over ssh),", "rsync://[user@]host[:port]/module[/path] or [user@]host::module[/path] (daemon)."})
  String url;

  @Mixin CredentialFlags credentials;

  /** --ssh-port counts for an ssh target only (the other credentials are dropped for a kind that does not use them). */
  TargetSpec spec() {
    Target t = Target.parse(url);
    return new TargetSpec(t, CredentialFlags.credentialsFor(t, credentials.options(t instanceof Target.Ssh).build()));
  }
}
