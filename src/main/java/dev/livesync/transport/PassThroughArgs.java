package dev.livesync.transport;

import dev.livesync.LivesyncException;
import java.util.List;
import java.util.Map;

/**
 * Guards the user's extra rsync arguments: the engine relies on {@code --files-from=- --from0 -R
 * --delete-missing-args}, on sends not recursing unless asked, on protected arguments and on
 * parsing rsync's output, so options that change those are refused with the reason.
 */
public final class PassThroughArgs {
  private PassThroughArgs() {}

  private static final Map<String, String> REFUSED_LONG = Map.ofEntries(
      Map.entry("--delete", "deletion is the engine's job (the `delete` policy); --delete on an event batch would delete unrelated files"),
      Map.entry("--del", "deletion is the engine's job (the `delete` policy)"),
      Map.entry("--delete-before", "deletion is the engine's job (the `delete` policy)"),
      Map.entry("--delete-during", "deletion is the engine's job (the `delete` policy)"),
      Map.entry("--delete-delay", "deletion is the engine's job (the `delete` policy)"),
      Map.entry("--delete-after", "deletion is the engine's job (the `delete` policy)"),
      Map.entry("--delete-excluded", "deletion is the engine's job (the `delete` policy)"),
      Map.entry("--delete-missing-args", "the engine sets it on every event batch"),
      Map.entry("--ignore-missing-args", "deletes would be lost"),
      Map.entry("--max-delete", "deletes would be lost (rsync stops deleting and exits 25)"),
      Map.entry("--remove-source-files", "it would delete the source"),
      Map.entry("--files-from", "the engine passes the batch's paths on stdin"),
      Map.entry("--from0", "the engine sets it"),
      Map.entry("--include-from", "stdin carries the batch's paths; use `exclude` in the config"),
      Map.entry("--exclude-from", "stdin carries the batch's paths; use `exclude` in the config"),
      Map.entry("--filter", "use `exclude` in the config so events and full syncs filter alike"),
      Map.entry("--include", "use `exclude` in the config so events and full syncs filter alike"),
      Map.entry("--exclude", "use `exclude` in the config so events and full syncs filter alike"),
      Map.entry("--no-relative", "event batches need -R"),
      Map.entry("--no-R", "event batches need -R"),
      Map.entry("--recursive", "sends recurse only where the engine asks"),
      Map.entry("--no-recursive", "full syncs need recursion"),
      Map.entry("--dry-run", "nothing would be replicated"),
      Map.entry("--list-only", "nothing would be replicated"),
      Map.entry("--existing", "new files would not be replicated"),
      Map.entry("--ignore-existing", "changed files would not be replicated"),
      Map.entry("--update", "files newer at the target would not be replicated, so the target could differ from the source"),
      Map.entry("--read-batch", "not a live transfer"),
      Map.entry("--write-batch", "not a live transfer"),
      Map.entry("--only-write-batch", "not a live transfer"),
      Map.entry("--old-args", "file names must travel protected (--secluded-args)"),
      Map.entry("--no-secluded-args", "file names must travel protected (--secluded-args)"),
      Map.entry("--no-s", "file names must travel protected (--secluded-args)"),
      Map.entry("--rsh", "use ssh_key / ssh_port in the config"),
      Map.entry("--password-file", "use password_file in the config"),
      Map.entry("--itemize-changes", "the engine parses rsync's output"),
      Map.entry("--out-format", "the engine parses rsync's output"),
      Map.entry("--log-format", "the engine parses rsync's output"),
      Map.entry("--8-bit-output", "the engine parses rsync's escaped output"),
      Map.entry("--server", "internal rsync option"),
      Map.entry("--sender", "internal rsync option"),
      Map.entry("--daemon", "not a client option"),
      Map.entry("--config", "not a client option"),
      Map.entry("--stop-at", "transfers must not stop early"),
      Map.entry("--stop-after", "transfers must not stop early"),
      Map.entry("--time-limit", "transfers must not stop early"));

  /** Short options refused (letter → reason), and the short options that take a value. */
  private static final Map<Character, String> REFUSED_SHORT = Map.of(
      'n', "--dry-run: nothing would be replicated",
      '0', "--from0: the engine sets it",
      'r', "--recursive: sends recurse only where the engine asks",
      'e', "--rsh: use ssh_key / ssh_port in the config",
      'u', "--update: files newer at the target would not be replicated",
      'i', "--itemize-changes: the engine parses rsync's output",
      '8', "--8-bit-output: the engine parses rsync's escaped output",
      'f', "--filter: use `exclude` in the config",
      'F', "filter rules: use `exclude` in the config");
  private static final String SHORT_WITH_VALUE = "BTM@";

  /** Throws a {@link LivesyncException} naming the first argument that would break the engine. */
  public static void check(List<String> args) {
    for (String a : args) {
      if (a == null || a.isEmpty()) throw refused(a, "empty argument");
      if (a.startsWith("--")) {
        String name = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
        String why = REFUSED_LONG.get(name);
        if (why == null && name.startsWith("--delete")) why = "deletion is the engine's job (the `delete` policy)";
        if (why == null && name.startsWith("--info") && a.contains("name")) why = "the engine parses rsync's output";
        if (why != null) throw refused(a, why);
      } else if (a.startsWith("-") && a.length() > 1) {
        for (int i = 1; i < a.length(); i++) {
          char c = a.charAt(i);
          String why = REFUSED_SHORT.get(c);
          if (why != null) throw refused(a, "-" + c + " (" + why + ")");
          if (SHORT_WITH_VALUE.indexOf(c) >= 0) break;
        }
      } else {
        throw refused(a, "not an option (write an option with its value as one argument, e.g. --bwlimit=10m; targets and paths come from the config)");
      }
    }
  }

  private static LivesyncException refused(String arg, String why) {
    return new LivesyncException("rsync option '" + arg + "' is not allowed in extra_args: " + why, 2);
  }
}
