package dev.livesync.transport;

import dev.livesync.transport.TransferResult.Outcome;
import java.util.List;
import java.util.Locale;

/**
 * Maps an rsync exit code (and, where the code is ambiguous, its message) to what the engine does
 * next. The message is rsync's own error text, condensed, plus a hint for the operator.
 */
public final class ExitCodes {
  private ExitCodes() {}

  record Verdict(Outcome outcome, String message) {}

  static Verdict classify(int exit, List<byte[]> stderr, Target target) {
    return classify(exit, stderr, target, null);
  }

  /** {@code options}: the target's (null: unknown), for the files a message names (known_hosts). */
  static Verdict classify(int exit, List<byte[]> stderr, Target target, TargetOptions options) {
    String user = target.user();
    String text = summary(stderr);
    String lower = text.toLowerCase(Locale.ROOT);
    String where = target.describe();
    return switch (exit) {
      case 0 -> new Verdict(Outcome.OK, "");
      case RsyncRuns.NOT_STARTED -> new Verdict(Outcome.RETRY, text);
      case 23, 24 -> new Verdict(Outcome.PARTIAL, text);
      case 5 -> {
        if (lower.contains("max connections")) {
          yield new Verdict(Outcome.RETRY, "rsync daemon at " + where + " is busy (max connections reached): " + text);
        }
        if (lower.contains("auth failed") && user == null && target instanceof Target.Daemon) {
          // rsync logs in as $USER, else $LOGNAME, else nobody: root's shell and a systemd service differ there
          yield new Verdict(Outcome.FATAL, "authentication failed at " + where + ": the target names no user, so rsync logged in as '"
              + loginName() + "' (from $USER, else $LOGNAME, else nobody): write the daemon's auth user in the target"
              + " (rsync://USER@host/module or USER@host::module) (" + text + ")");
        }
        if (lower.contains("auth failed") && options != null && options.passwordFile() == null && System.getenv("RSYNC_PASSWORD") == null) {
          // rsync got an empty RSYNC_PASSWORD (never a prompt): a shell's RSYNC_PASSWORD does not reach a service
          yield new Verdict(Outcome.FATAL, "authentication failed for user " + user + " at " + where + ": no password was given: name a"
              + " password file (--password-file, password_file) or set RSYNC_PASSWORD in livesync's environment (a service does not get"
              + " the one of your shell) (" + text + ")");
        }
        if (lower.contains("auth failed")) {
          yield new Verdict(Outcome.FATAL, "authentication failed for user " + (user == null ? "(none given)" : user) + " at " + where
              + ": " + wrongPassword(user, options) + " (" + text + ")");
        }
        if (lower.contains("unknown module")) {
          String module = target instanceof Target.Daemon d ? "'" + d.module() + "'" : "of that name";
          String list = target instanceof Target.Daemon d ? "rsync rsync://" + Target.hostForUrl(d.host()) + ":" + d.port() + "/" : "rsync rsync://HOST:PORT/";
          // rsync hides a module with 'list = no' from a host its hosts allow / hosts deny keep out: the same words
          yield new Verdict(Outcome.FATAL, "the rsync daemon at " + where + " has no module " + module
              + ": check the module name in the target ('" + list + "' lists the modules of a daemon that lists them;"
              + " livesync serve's are in its --module or [[serve.module]] names); a module with 'list = no' is said to be unknown also"
              + " to a host its 'hosts allow' or 'hosts deny' keep out (the daemon's log then says 'rsync denied on module')");
        }
        if (lower.contains("access denied to ")) {
          String module = target instanceof Target.Daemon d ? "module '" + d.module() + "'" : "the module";
          yield new Verdict(Outcome.FATAL, "the rsync daemon at " + where + " does not let this host use " + module + " (" + text
              + "): add this host to the module's 'hosts allow' (livesync serve: --hosts-allow, hosts_allow) or take it out of its 'hosts deny'");
        }
        yield new Verdict(Outcome.FATAL, "the rsync daemon at " + where + " refused the transfer: " + text);
      }
      case 2 -> lower.contains("no basis file")
          ? new Verdict(Outcome.RETRY, "rsync to " + where + " lost its delta basis mid-transfer (a file deleted while in use): " + text)
          : lower.contains("is your shell clean")
          ? new Verdict(Outcome.FATAL, "the login shell on " + where + " prints something before rsync starts (a startup file such as"
              + " ~/.bashrc writes to stdout for every command), and rsync cannot talk through it: make it print nothing"
              + " unless interactive ('livesync doctor' shows what it prints) (" + text + ")")
          : new Verdict(Outcome.FATAL, "rsync to " + where + " failed (" + meaning(exit) + "): " + text);
      case 1 -> usage(text, lower, target, options);
      case 4 -> new Verdict(Outcome.FATAL, "rsync to " + where + " failed (" + meaning(exit) + "): " + text);
      case 3 -> new Verdict(Outcome.FATAL, "rsync to " + where + " cannot use the source or target directory: " + text);
      case 6 -> new Verdict(Outcome.FATAL, "the rsync daemon at " + where + " cannot write its log file: " + text);
      case 255, 12 -> sshOrStream(exit, stderr, text, lower, where, options);
      case 10 -> target instanceof Target.Daemon d ? unreachable(d, text, lower) : new Verdict(Outcome.RETRY, "rsync to " + where + " failed (" + meaning(exit) + "): " + text);
      default -> new Verdict(Outcome.RETRY, "rsync to " + where + " failed (" + meaning(exit) + "): " + text);
    };
  }

  /**
   * What to check when the daemon refused the password: where it came from — the password file (which
   * rsync reads before RSYNC_PASSWORD) or RSYNC_PASSWORD — by flag and key, and a space or tab at its
   * end, which rsync sends as part of it (the password itself never shown).
   */
  private static String wrongPassword(String user, TargetOptions options) {
    String secrets = "the daemon's secrets file (its '" + (user == null ? "USER" : user) + ":' line)";
    if (options == null) return "check the password file (--password-file, password_file) or RSYNC_PASSWORD, and " + secrets;
    if (options.passwordFile() != null) {
      String blank = dev.livesync.settings.PasswordFile.endsInBlank(options.passwordFile());
      return "the password in " + options.passwordFile() + " (--password-file, password_file) is not the one in " + secrets
          + (blank == null ? ": check both" : ": " + blank);
    }
    String env = System.getenv("RSYNC_PASSWORD");
    boolean blank = env != null && !env.isEmpty() && Character.isWhitespace(env.charAt(env.length() - 1));
    return "the password in RSYNC_PASSWORD (livesync's environment; no --password-file or password_file is set) is not the one in "
        + secrets + (blank ? ": it ends in a space or tab, which rsync sends as part of the password: if the daemon's secret has none,"
        + " remove it" : ": check both");
  }

  /**
   * Exit 10 (socket I/O) from a daemon target: rsync could not reach it. Retried, as a daemon or DNS
   * may come back, but said as what it is: a name that does not resolve (here, now), or nothing
   * listening on the port, or the network.
   */
  private static Verdict unreachable(Target.Daemon d, String text, String lower) {
    String where = d.describe();
    if (lower.contains("getaddrinfo")) {
      return new Verdict(Outcome.RETRY, "the host name " + d.host() + " of " + where + " does not resolve on this host: check the name in the"
          + " target, and /etc/hosts or DNS (" + text + ")");
    }
    if (lower.contains("connection refused")) {
      return new Verdict(Outcome.RETRY, "nothing accepts connections on " + d.host() + " port " + d.port() + " for " + where
          + ": is the rsync daemon running there (rsync --daemon, livesync serve), and is the port right? (" + text + ")");
    }
    return new Verdict(Outcome.RETRY, "the rsync daemon at " + where + " cannot be reached over the network (" + text + ")");
  }

  /**
   * Exit 1, "syntax or usage error", is also what rsync says for a daemon's module that is read only,
   * and for a password file it will not read: those say what is to be done where.
   */
  private static Verdict usage(String text, String lower, Target target, TargetOptions options) {
    String where = target.describe();
    if (lower.contains("module is read only")) {
      String module = target instanceof Target.Daemon d ? "module '" + d.module() + "'" : "the module";
      return new Verdict(Outcome.FATAL, "the rsync daemon at " + where + " has " + module
          + " read only: set 'read only = no' for it in the daemon's rsyncd.conf (with livesync serve: no read_only = true"
          + " in its [[serve.module]])");
    }
    if (lower.contains("password file must")) {
      java.nio.file.Path file = options == null ? null : options.passwordFile();
      String problem = file == null ? null : dev.livesync.settings.PasswordFile.problem(file);
      return new Verdict(Outcome.FATAL, problem != null ? "password file " + file + " " + problem
          : "rsync refuses the password file" + (file == null ? "" : " " + file) + " (" + text + ")");
    }
    return new Verdict(Outcome.FATAL, "rsync to " + where + " failed (" + meaning(1) + "): " + text);
  }

  /** ssh and a dropped stream share exit codes with fatal causes that only the message tells apart. */
  private static Verdict sshOrStream(int exit, List<byte[]> stderr, String text, String lower, String where, TargetOptions options) {
    Verdict ssh = SshFailures.classify(stderr.stream().map(l -> dev.livesync.fs.Bytes.display(l).strip()).toList(), where, options);
    if (ssh != null) return ssh;
    if (exit == 255 && lower.contains("permission denied")) {
      return new Verdict(Outcome.FATAL, "ssh login to " + where + " refused: " + text + " (check ssh_key and the user)");
    }
    if (lower.contains("command not found") || lower.contains("rsync: not found")) {
      return new Verdict(Outcome.FATAL, "rsync is not installed on " + where + ": " + text);
    }
    return new Verdict(Outcome.RETRY, "rsync to " + where + " failed (" + meaning(exit) + "): " + text);
  }

  /** The name rsync's client logs in to a daemon as when the target names no user. */
  static String loginName() {
    for (String var : List.of("USER", "LOGNAME")) {
      String v = System.getenv(var);
      if (v != null && !v.isEmpty()) return v;
    }
    return "nobody";
  }

  /** An rsync exit code in words, as rsync's manual gives it ("exit code N" for codes it does not list). */
  public static String meaning(int exit) {
    return switch (exit) {
      case 1 -> "syntax or usage error";
      case 2 -> "protocol incompatibility";
      case 3 -> "errors selecting input/output files or dirs";
      case 4 -> "requested action not supported";
      case 5 -> "error starting client-server protocol";
      case 6 -> "daemon unable to append to log file";
      case 10 -> "error in socket I/O";
      case 11 -> "error in file I/O";
      case 12 -> "error in rsync protocol data stream";
      case 13 -> "errors with program diagnostics";
      case 14 -> "error in IPC code";
      case 20 -> "received SIGUSR1 or SIGINT";
      case 21 -> "some error returned by waitpid()";
      case 22 -> "error allocating core memory buffers";
      case 23 -> "partial transfer due to error";
      case 24 -> "partial transfer due to vanished source files";
      case 25 -> "--max-delete limit stopped deletions";
      case 30 -> "timeout in data send/receive";
      case 35 -> "timeout waiting for daemon connection";
      case 255 -> "ssh failed or connection closed";
      default -> "exit code " + exit;
    };
  }

  /** rsync's error lines, escapes kept, joined; bounded so a log line stays a line. */
  static String summary(List<byte[]> stderr) {
    var sb = new StringBuilder();
    int shown = 0;
    for (byte[] raw : stderr) {
      String line = dev.livesync.fs.Bytes.display(raw).strip();
      if (line.isEmpty()) continue;
      if (shown == 6) {
        sb.append(" ... (").append(stderr.size() - 6).append(" more lines)");
        break;
      }
      if (sb.length() > 0) sb.append(" | ");
      sb.append(line.length() > 300 ? line.substring(0, 300) + "..." : line);
      shown++;
    }
    return sb.length() == 0 ? "(no message)" : sb.toString();
  }
}
