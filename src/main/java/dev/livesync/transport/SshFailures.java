package dev.livesync.transport;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What an ssh that did not let rsync through said, in one line with what to do: a changed or
 * unverifiable host key, a refused login, a closed port. ssh's own text is long (a changed host key
 * is a 15-line banner whose useful lines come last), so the lines that matter are picked out of it.
 */
final class SshFailures {
  private SshFailures() {}

  private static final Pattern OFFENDING = Pattern.compile("Offending \\S+ key in (.+):(\\d+)$");
  private static final Pattern CHANGED = Pattern.compile("Host key for (\\S+) has changed");
  private static final Pattern NOT_KNOWN = Pattern.compile("No \\S+ host key is known for (\\S+) and you have requested strict checking");
  private static final Pattern REFUSED = Pattern.compile("ssh: connect to host (\\S+) port (\\d+): Connection refused");
  private static final Pattern DENIED = Pattern.compile("Permission denied \\((publickey|password|keyboard-interactive|gssapi|hostbased)[^)]*\\)");
  private static final String VERIFY_FAILED = "Host key verification failed";

  /**
   * The verdict for ssh's lines (stderr, escapes kept), or null when they are not one of these.
   * {@code options} give the known_hosts file when ssh's lines do not name it.
   */
  static ExitCodes.Verdict classify(List<String> lines, String where, TargetOptions options) {
    String offending = null;
    String line = null;
    String host = null;
    String reason = null;
    boolean failed = false;
    for (String l : lines) {
      Matcher m;
      if ((m = OFFENDING.matcher(l)).find() && offending == null) {
        offending = m.group(1);
        line = m.group(2);
      } else if ((m = CHANGED.matcher(l)).find()) {
        host = m.group(1);
      } else if ((m = NOT_KNOWN.matcher(l)).find()) {
        host = m.group(1);
        reason = "it is not in known_hosts" + knownHosts(options, " ") + " and strict checking is on";
      } else if (l.contains(VERIFY_FAILED)) {
        failed = true;
      } else if ((m = REFUSED.matcher(l)).find()) {
        return new ExitCodes.Verdict(TransferResult.Outcome.RETRY, "ssh to " + where + ": connection refused on " + m.group(1)
            + " port " + m.group(2) + ": is sshd running there, and is ssh_port right?");
      } else if ((m = DENIED.matcher(l)).find()) {
        return new ExitCodes.Verdict(TransferResult.Outcome.FATAL, "ssh login to " + where + " refused: " + m.group()
            + " (check ssh_key, the user, and that the key is in the user's authorized_keys there)");
      }
    }
    if (offending != null) {
      String h = host != null ? host : where;
      return new ExitCodes.Verdict(TransferResult.Outcome.FATAL, "host key of " + h + " changed (known_hosts " + offending + ":" + line
          + "): if that is intended, remove the old one: ssh-keygen -R " + quote(h) + " -f " + quote(offending));
    }
    if (failed || host != null) {
      String h = host != null ? host : where;
      return new ExitCodes.Verdict(TransferResult.Outcome.FATAL, "host key of " + h + " not verified"
          + (reason != null ? ": " + reason + ": add its key there once its fingerprint is checked (ssh-keyscan)"
              : " (" + VERIFY_FAILED + "): check known_hosts" + knownHosts(options, " ")));
    }
    return null;
  }

  private static String knownHosts(TargetOptions options, String before) {
    return options != null && options.knownHostsFile() != null ? before + options.knownHostsFile() : "";
  }

  /** A word for a POSIX shell: as it is where that is safe, else single-quoted. */
  private static String quote(String w) {
    return w.matches("[A-Za-z0-9_./=:@,+-]+") ? w : "'" + w.replace("'", "'\\''") + "'";
  }
}
