package dev.livesync.transport;

import dev.livesync.settings.Versions;
import java.time.Instant;

/** Pruning old versions on an ssh target, through its remote shell. */
final class RemoteVersions {
  private RemoteVersions() {}

  /**
   * A prune script deletes at most this many directories and exits with how many it deleted (an
   * exit status holds no more than 255): this many means "run it again", as there may be more.
   */
  static final int BATCH = 200;

  /**
   * The same as a POSIX shell script run in the target directory, for ssh targets: version
   * directory names compare as strings ({@code expr}), which is the order of their times (a name
   * by the second, {@code ...063000Z}, sorts after every name with milliseconds in that second: not pruned at the second it names).
   * Its exit status is how many it deleted, at most {@link #BATCH}. It says its progress after each
   * directory ({@link RemoteShell#PROGRESS}): the target's timeout bounds one directory's deletion,
   * not the batch's.
   */
  static byte[] pruneScript(byte[] targetDir, Instant cutoff) {
    var out = new java.io.ByteArrayOutputStream();
    out.writeBytes("cd -- ".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    out.writeBytes(SshCommand.shellQuote(targetDir));
    out.writeBytes(("/" + Versions.VERSIONS + " 2>/dev/null || exit 0\nn=0\n"
        + "for d in [0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9][0-9][0-9][0-9][0-9]*Z; do\n"
        + "  [ -d \"$d\" ] || continue\n"
        + "  if expr \"x$d\" \\< \"x" + Versions.millisStamp(cutoff) + "\" >/dev/null; then chmod -R u+w -- \"$d\" 2>/dev/null; rm -rf -- \"$d\";"
        + " [ -e \"$d\" ] || n=$((n+1)); echo \"$" + RemoteShell.PROGRESS + "\" >&3; [ \"$n\" -lt " + BATCH + " ] || exit " + BATCH + "; fi\n"
        + "done\nexit $n\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    return out.toByteArray();
  }

}
