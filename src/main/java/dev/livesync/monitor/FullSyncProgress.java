package dev.livesync.monitor;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How far a running full sync is, from one of rsync's {@code --info=progress2} lines, e.g.
 * {@code 123456789  45%   11.50MB/s    0:00:10 (xfr#12, to-chk=100/200)}. rsync's percentage is of
 * the bytes in the file list seen so far: while it still scans ({@code ir-chk}, incremental
 * recursion) the list grows and no ETA is given.
 *
 * @param bytes bytes transferred so far
 * @param percent rsync's percentage
 * @param elapsedSeconds time since the transfer started
 * @param filesLeft files still to check ({@code to-chk}), or -1 while scanning
 * @param filesTotal files in the list, or -1 while scanning
 * @param etaSeconds estimated seconds left, or -1 when rsync is still scanning or has no percentage yet
 * @param line the line as rsync printed it
 */
public record FullSyncProgress(long bytes, int percent, long elapsedSeconds, long filesLeft, long filesTotal, long etaSeconds,
    String line, long atMillis) {
  private static final Pattern LINE = Pattern.compile(
      "^\\s*([\\d,.]+)\\s+(\\d+)%\\s+\\S+\\s+(\\d+):(\\d\\d):(\\d\\d)(?:\\s+\\(xfr#\\d+,\\s+(ir|to)-chk=(\\d+)/(\\d+)\\))?.*");

  /** The line parsed, or null when it is not a progress2 line. */
  public static FullSyncProgress parse(String line, long atMillis) {
    Matcher m = LINE.matcher(line);
    if (!m.matches()) return null;
    long bytes = Long.parseLong(m.group(1).replaceAll("[,.]", ""));
    int percent = Integer.parseInt(m.group(2));
    long elapsed = Long.parseLong(m.group(3)) * 3600 + Long.parseLong(m.group(4)) * 60 + Long.parseLong(m.group(5));
    boolean listed = "to".equals(m.group(6));
    long left = listed ? Long.parseLong(m.group(7)) : -1;
    long total = listed ? Long.parseLong(m.group(8)) : -1;
    long eta = listed && percent > 0 && percent < 100 ? Math.round(elapsed * (100.0 - percent) / percent) : listed && percent >= 100 ? 0 : -1;
    return new FullSyncProgress(bytes, percent, elapsed, left, total, eta, line.strip(), atMillis);
  }
}
