package dev.livesync.transport;

import dev.livesync.settings.Key;
import dev.livesync.settings.SettingException;
import java.util.List;
import java.util.Map;

/**
 * Guards the user's extra rsync arguments: the engine relies on {@code --files-from=- --from0 -R
 * --delete-missing-args}, on sends not recursing unless asked, on protected arguments and on
 * parsing rsync's output, so options that change those are refused with the reason.
 */
public final class PassThroughArgs {
  private PassThroughArgs() {}

  private static final Map<String, Why> REFUSED_LONG = Map.ofEntries(
      Map.entry("--delete", why("deletion is the engine's job (the %s policy); --delete on an event batch would delete unrelated files", Key.DELETE)),
      Map.entry("--del", why("deletion is the engine's job (the %s policy)", Key.DELETE)),
      Map.entry("--delete-before", why("deletion is the engine's job (the %s policy)", Key.DELETE)),
      Map.entry("--delete-during", why("deletion is the engine's job (the %s policy)", Key.DELETE)),
      Map.entry("--delete-delay", why("deletion is the engine's job (the %s policy)", Key.DELETE)),
      Map.entry("--delete-after", why("deletion is the engine's job (the %s policy)", Key.DELETE)),
      Map.entry("--delete-excluded", why("deletion is the engine's job (the %s policy)", Key.DELETE)),
      Map.entry("--delete-missing-args", why("the engine sets it on every event batch")),
      Map.entry("--ignore-missing-args", why("deletes would be lost")),
      Map.entry("--max-delete", why("deletes would be lost (rsync stops deleting and exits 25)")),
      Map.entry("--remove-source-files", why("it would delete the source")),
      Map.entry("--files-from", why("the engine passes the batch's paths on stdin")),
      Map.entry("--from0", why("the engine sets it")),
      Map.entry("--include-from", why("stdin carries the batch's paths; use %s", Key.EXCLUDE)),
      Map.entry("--exclude-from", why("stdin carries the batch's paths; use %s", Key.EXCLUDE)),
      Map.entry("--filter", why("use %s so events and full syncs filter alike", Key.EXCLUDE)),
      Map.entry("--include", why("use %s so events and full syncs filter alike", Key.EXCLUDE)),
      Map.entry("--exclude", why("use %s so events and full syncs filter alike", Key.EXCLUDE)),
      Map.entry("--no-relative", why("event batches need -R")),
      Map.entry("--no-R", why("event batches need -R")),
      Map.entry("--recursive", why("sends recurse only where the engine asks")),
      Map.entry("--no-recursive", why("full syncs need recursion")),
      Map.entry("--dry-run", why("nothing would be replicated")),
      Map.entry("--list-only", why("nothing would be replicated")),
      Map.entry("--existing", why("new files would not be replicated")),
      Map.entry("--ignore-existing", why("changed files would not be replicated")),
      Map.entry("--update", why("files newer at the target would not be replicated, so the target could differ from the source")),
      Map.entry("--read-batch", why("not a live transfer")),
      Map.entry("--write-batch", why("not a live transfer")),
      Map.entry("--only-write-batch", why("not a live transfer")),
      Map.entry("--old-args", why("file names must travel protected (--secluded-args)")),
      Map.entry("--no-secluded-args", why("file names must travel protected (--secluded-args)")),
      Map.entry("--no-s", why("file names must travel protected (--secluded-args)")),
      Map.entry("--rsh", why("use %s and %s", Key.SSH_KEY, Key.SSH_PORT)),
      Map.entry("--password-file", why("use %s", Key.PASSWORD_FILE)),
      Map.entry("--itemize-changes", why("the engine parses rsync's output")),
      Map.entry("--out-format", why("the engine parses rsync's output")),
      Map.entry("--log-format", why("the engine parses rsync's output")),
      Map.entry("--8-bit-output", why("the engine parses rsync's escaped output")),
      Map.entry("--server", why("internal rsync option")),
      Map.entry("--sender", why("internal rsync option")),
      Map.entry("--daemon", why("not a client option")),
      Map.entry("--config", why("not a client option")),
      Map.entry("--stop-at", why("transfers must not stop early")),
      Map.entry("--stop-after", why("transfers must not stop early")),
      Map.entry("--time-limit", why("transfers must not stop early")));

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
      'F', why("filter rules: use %s", Key.EXCLUDE));
  private static final String SHORT_WITH_VALUE = "BTM@";

  /** Throws a {@link SettingException} ({@link Key#EXTRA_ARGS}) naming the first argument that would break the engine. */
  public static void check(List<String> args) {
    for (String a : args) {
      if (a == null || a.isEmpty()) throw refused(a == null ? "" : a, why("an empty argument"));
      if (a.startsWith("--")) {
        String name = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
        Why why = REFUSED_LONG.get(name);
        if (why == null && name.startsWith("--delete")) why = why("deletion is the engine's job (the %s policy)", Key.DELETE);
        if (why == null && name.startsWith("--info") && a.contains("name")) why = why("the engine parses rsync's output");
        if (why != null) throw refused(a, why);
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
