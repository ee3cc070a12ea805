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

  /** rsync's sender on any path it could not read ({@code opendir "P" failed: Permission denied (13)}, a link_stat, a readlink). */
  private static final Pattern SENDER = Pattern.compile("^rsync: \\[sender\\] [^\"]*\"(.*)\"[^\"]*: (.*?)(?: \\(\\d+\\))?$");
  /** A path past rsync's limit (MAXPATHLEN, 4,095 bytes); rsync does not prefix this line. */
  private static final Pattern TOO_LONG = Pattern.compile("^filename overflows max-path len by \\d+: (.*)$");
  /** rsync's closing line for exit 23/24, which says nothing of its own. */
  private static final Pattern SUMMARY = Pattern.compile("^rsync (error|warning): some files(/attrs)? (were not transferred|vanished before they could be transferred)");

  private SourceReadErrors() {}

  /**
   * The source paths rsync's sender could not read, each with why ("/data/x (Permission denied)"), when
   * those are all that went wrong (every other stderr line is rsync's closing one); else null: then
   * something else failed (the target, the connection) and the whole run counts as failed.
   */
  static List<String> onlySource(List<byte[]> stderr) {
    List<String> out = new ArrayList<>();
    for (byte[] raw : stderr) {
      String line = Bytes.display(raw);
      Matcher m = SENDER.matcher(line);
      Matcher l = TOO_LONG.matcher(line);
      String path;
      if (m.find()) path = m.group(1) + " (" + m.group(2) + ")";
      else if (l.find()) path = l.group(1) + " (longer than rsync's limit of 4095 bytes)";
      else if (SUMMARY.matcher(line).find() || line.isBlank()) continue;
      else return null;
      if (!out.contains(path)) out.add(path);
    }
    return out.isEmpty() ? null : out;
  }

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
