package dev.livesync.monitor;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How far a running full sync is, from rsync's {@code --info=progress2} lines. rsync prints two
 * kinds, and the time in them means different things:
 *
 * <ul>
 *   <li>while a file is being sent, {@code 13211264  44%    2.93MB/s    0:00:05}: the time is its
 *       estimate of what is <em>left</em> (the bytes listed so far at the current rate);
 *   <li>when a file is done, {@code 20000000  66%    2.94MB/s    0:00:06 (xfr#2, to-chk=1/4)}: the
 *       time is how long the transfer has <em>run</em> (its last line: the whole run's).
 * </ul>
 *
 * rsync's percentage is of the bytes in the file list seen so far: while it still scans ({@code
 * ir-chk}, incremental recursion) the list grows, and neither the percentage nor the time left is
 * an ETA. The kind of chk is only in the second kind of line, so it is carried over from the line
 * before. The elapsed time is livesync's own: from when the full sync started.
 *
 * @param bytes bytes transferred so far
 * @param percent rsync's percentage
 * @param elapsedSeconds time since the full sync started (livesync's clock)
 * @param filesLeft files still to check ({@code to-chk}), or -1 while scanning or before a file is done
 * @param filesTotal files in the list, or -1 while scanning or before a file is done
 * @param etaSeconds estimated seconds left, or -1 while rsync still scans the tree or has no rate yet
 * @param scanning rsync still builds its file list ({@code ir-chk}): no ETA
 * @param line the line as rsync printed it
 * @param atMillis when the line was read
 */
public record FullSyncProgress(long bytes, int percent, long elapsedSeconds, long filesLeft, long filesTotal, long etaSeconds,
    boolean scanning, String line, long atMillis) {
  private static final Pattern LINE = Pattern.compile(
      "^\\s*([\\d,.]+)\\s+(\\d+)%\\s+([\\d,.]+)\\S*\\s+(\\d+:\\d\\d:\\d\\d|\\?+:\\?+:\\?+)(?:\\s+\\(xfr#\\d+,\\s+(ir|to)-chk=(\\d+)/(\\d+)\\))?.*");

  /** The line parsed as the first of a full sync that started when it was read, or null when it is not a progress2 line. */
  public static FullSyncProgress parse(String line, long atMillis) {
    return parse(line, atMillis, atMillis, null);
  }

  /**
   * The line parsed, or null when it is not a progress2 line. {@code startedMillis}: when the full
   * sync started; {@code before}: the same sync's line before, or null.
   */
  public static FullSyncProgress parse(String line, long atMillis, long startedMillis, FullSyncProgress before) {
    Matcher m = LINE.matcher(line);
    if (!m.matches()) return null;
    long bytes = Long.parseLong(m.group(1).replaceAll("[,.]", ""));
    int percent = Integer.parseInt(m.group(2));
    boolean moving = m.group(3).matches(".*[1-9].*"); // 0.00kB/s before the first bytes: its time is no estimate
    long time = seconds(m.group(4));
    long elapsed = Math.max(0, (atMillis - startedMillis) / 1000);
    long left;
    long total;
    boolean scanning;
    long eta;
    if (m.group(5) != null) { // a file done: the time is rsync's elapsed
      scanning = m.group(5).equals("ir");
      left = scanning ? -1 : Long.parseLong(m.group(6));
      total = scanning ? -1 : Long.parseLong(m.group(7));
      eta = scanning ? -1 : percent >= 100 ? 0 : percent > 0 && time > 0 ? Math.round(time * (100.0 - percent) / percent) : -1;
    } else { // a file on its way: the time is rsync's estimate of what is left
      scanning = before != null && before.scanning();
      left = before == null ? -1 : before.filesLeft();
      total = before == null ? -1 : before.filesTotal();
      eta = scanning || !moving ? -1 : time;
    }
    return new FullSyncProgress(bytes, percent, elapsed, left, total, eta, scanning, line.strip(), atMillis);
  }

  /** {@code H:MM:SS} in seconds; -1 for rsync's {@code ??:??:??} (no estimate). */
  private static long seconds(String hms) {
    if (hms.contains("?")) return -1;
    String[] p = hms.split(":");
    return Long.parseLong(p[0]) * 3600 + Long.parseLong(p[1]) * 60 + Long.parseLong(p[2]);
  }
}
