package dev.livesync.transport;

import dev.livesync.fs.Bytes;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What rsync's sender said of source paths it may not read ({@code send_files failed to open "P":
 * Permission denied (13)}, {@code opendir "P" failed: ...}, {@code link_stat "P" failed: ...}): the
 * words a person acts on, put before rsync's own lines. Not a fault of the target, and not one
 * retrying fixes: the paths' modes or owners, or the user livesync runs as, must change.
 */
final class SourceReadErrors {
  /** Paths named at most. */
  static final int FIRST = 3;

  private static final Pattern DENIED = Pattern.compile("^rsync: \\[sender\\] [^\"]*\"(.*)\"[^\"]*: Permission denied \\(13\\)$");

  private SourceReadErrors() {}

  /** The sentence for the source paths rsync's sender could not read, or null when it names none. */
  static String describe(List<byte[]> stderr) {
    List<String> paths = new ArrayList<>();
    for (byte[] raw : stderr) {
      Matcher m = DENIED.matcher(Bytes.display(raw));
      if (m.find() && !paths.contains(m.group(1))) paths.add(m.group(1));
    }
    if (paths.isEmpty()) return null;
    String named = String.join(", ", paths.subList(0, Math.min(FIRST, paths.size()))) + (paths.size() > FIRST ? ", ..." : "");
    return paths.size() + (paths.size() == 1 ? " path" : " paths") + " of the source cannot be read by the user rsync runs as"
        + " (permission denied: " + named + "): give that user read access to them (chmod, chown; search access to a directory),"
        + " exclude them, or run livesync as their owner";
  }
}
