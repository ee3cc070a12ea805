package dev.livesync.transport;

import dev.livesync.settings.Key;
import dev.livesync.settings.SettingException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Guards the user's extra rsync arguments: the engine relies on {@code --files-from=- --from0 -R
 * --delete-missing-args}, on sends not recursing unless asked, on protected arguments and on
 * parsing rsync's output, so options that change those are refused with the reason.
 */
public final class PassThroughArgs {
  private PassThroughArgs() {}

  private static final Why DELETION = why("deletion is the engine's job (the %s policy)", Key.DELETE);
  private static final Why OUTPUT_PARSED = why("the engine parses rsync's output");
  private static final Why PASSWORD = why("a password on a command line is seen by every user of the host (ps); use %s or RSYNC_PASSWORD",
      Key.PASSWORD_FILE);

  /** Long options refused (name → reason); options refused for the same reason share one line. */
  private static final Map<String, Why> REFUSED_LONG = new HashMap<>();

  static {
    refuse(why("deletion is the engine's job (the %s policy); --delete on an event batch would delete unrelated files", Key.DELETE),
        "--delete");
    refuse(DELETION, "--del", "--delete-before", "--delete-during", "--delete-delay", "--delete-after", "--delete-excluded");
    refuse(why("the engine sets it on every event batch"), "--delete-missing-args");
    refuse(why("deletes would be lost"), "--ignore-missing-args");
    refuse(why("deletes would be lost (rsync stops deleting and exits 25)"), "--max-delete");
    refuse(why("it would delete the source"), "--remove-source-files");
    refuse(why("the engine passes the batch's paths on stdin"), "--files-from");
    refuse(why("the engine sets it"), "--from0");
    refuse(why("stdin carries the batch's paths; use %s", Key.EXCLUDE), "--include-from", "--exclude-from");
    refuse(why("use %s so events and full syncs filter alike", Key.EXCLUDE), "--filter", "--include", "--exclude", "--cvs-exclude");
    refuse(why("event batches need -R"), "--no-relative", "--no-R");
    refuse(why("sends recurse only where the engine asks"), "--recursive");
    refuse(why("full syncs need recursion"), "--no-recursive");
    refuse(why("nothing would be replicated"), "--dry-run", "--list-only");
    refuse(why("new files would not be replicated"), "--existing");
    refuse(why("changed files would not be replicated"), "--ignore-existing");
    refuse(why("files newer at the target would not be replicated, so the target could differ from the source"), "--update");
    refuse(why("not a live transfer"), "--read-batch", "--write-batch", "--only-write-batch");
    refuse(why("file names must travel protected (--secluded-args)"), "--old-args", "--no-secluded-args", "--no-s");
    refuse(why("use %s and %s", Key.SSH_KEY, Key.SSH_PORT), "--rsh");
    refuse(why("use %s", Key.PASSWORD_FILE), "--password-file");
    // the URL livesync gives rsync always names the port (873 for host::module), so rsync would ignore it
    refuse(why("a daemon's port goes in the target (rsync://[user@]host:PORT/module); for ssh, use %s", Key.SSH_PORT), "--port");
    refuse(OUTPUT_PARSED, "--itemize-changes", "--out-format", "--log-format");
    refuse(why("the engine parses rsync's escaped output"), "--8-bit-output");
    refuse(why("internal rsync option"), "--server", "--sender");
    refuse(why("not a client option"), "--daemon", "--config");
    refuse(why("transfers must not stop early"), "--stop-at", "--stop-after", "--time-limit");
  }

  private static void refuse(Why why, String... names) {
    for (String name : names) {
      if (REFUSED_LONG.putIfAbsent(name, why) != null) throw new IllegalStateException("refused twice: " + name);
    }
  }

  /** Short options refused (letter → reason), and the short options that take a value. */
  private static final Map<Character, Why> REFUSED_SHORT = Map.of(
      'n', why("--dry-run: nothing would be replicated"),
      '0', why("--from0: the engine sets it"),
      'r', why("--recursive: sends recurse only where the engine asks"),
      'e', why("--rsh: use %s and %s", Key.SSH_KEY, Key.SSH_PORT),
      'u', why("--update: files newer at the target would not be replicated"),
      'i', why("--itemize-changes: the engine parses rsync's output"),
      '8', why("--8-bit-output: the engine parses rsync's escaped output"),
      'f', why("--filter: use %s", Key.EXCLUDE),
      'F', why("filter rules: use %s", Key.EXCLUDE),
      'C', why("--cvs-exclude: use %s", Key.EXCLUDE));
  private static final String SHORT_WITH_VALUE = "BTM@";

  /** Throws a {@link SettingException} ({@link Key#EXTRA_ARGS}) naming the first argument that would break the engine. */
  public static void check(List<String> args) {
    for (String a : args) {
      if (a == null || a.isEmpty()) throw refused(a == null ? "" : a, why("an empty argument"));
      if (a.startsWith("--")) {
        String name = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
        Why why = REFUSED_LONG.get(name);
        if (why == null && name.startsWith("--delete")) why = DELETION;
        if (why == null && name.startsWith("--info") && a.contains("name")) why = OUTPUT_PARSED;
        if (why != null) throw refused(a, why);
        // not an rsync option, but what a user may try: refused without its value, which would be a password
        if (name.startsWith("--pass")) throw refused(a.contains("=") ? name + "=" + SettingException.HIDDEN : a, PASSWORD);
      } else if (a.startsWith("-") && a.length() > 1) {
        for (int i = 1; i < a.length(); i++) {
          char c = a.charAt(i);
          Why why = REFUSED_SHORT.get(c);
          if (why != null) throw refused(a, why("-" + c + " (" + why.words() + ")", why.refs()));
          if (SHORT_WITH_VALUE.indexOf(c) >= 0) break;
        }
      } else {
        throw refused(a, why("not an option (write an option with its value as one argument, e.g. --bwlimit=10m; the source and targets are given as such)"));
      }
    }
  }

  /** Why an option is refused; {@code %s} in the words names each of {@code refs} as the front-end calls it. */
  private record Why(String words, Key... refs) {}

  private static Why why(String words, Key... refs) {
    return new Why(words, refs);
  }

  private static SettingException refused(String arg, Why why) {
    return Key.EXTRA_ARGS.refuse(arg, "rsync option '" + arg.replace("%", "%%") + "' is not allowed: " + why.words(), why.refs());
  }
}
