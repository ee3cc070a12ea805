package dev.livesync.transport;

import dev.livesync.settings.Versions;
import java.time.Instant;

/** Pruning old versions on an ssh target, through its remote shell. */
final class RemoteVersions {
  private RemoteVersions() {}

  /**
   * The same as a POSIX shell script run in the target directory, for ssh targets: version
   * directory names compare as strings ({@code expr}), which is the order of their times (a name
   * by the second, {@code ...063000Z}, sorts after every name with milliseconds in that second: not pruned at the second it names).
   */
  static byte[] pruneScript(byte[] targetDir, Instant cutoff) {
    var out = new java.io.ByteArrayOutputStream();
    out.writeBytes("cd -- ".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    out.writeBytes(SshCommand.shellQuote(targetDir));
    out.writeBytes(("/" + Versions.VERSIONS + " 2>/dev/null || exit 0\n"
        + "for d in [0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9][0-9][0-9][0-9][0-9]*Z; do\n"
        + "  [ -d \"$d\" ] || continue\n"
        + "  if expr \"x$d\" \\< \"x" + Versions.millisStamp(cutoff) + "\" >/dev/null; then chmod -R u+w -- \"$d\" 2>/dev/null; rm -rf -- \"$d\"; fi\n"
        + "done\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    return out.toByteArray();
  }

}
