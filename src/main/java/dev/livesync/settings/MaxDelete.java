package dev.livesync.settings;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The mass-deletion guard's threshold ({@code --max-delete}, {@code max_delete}): a share of the
 * files on the target ({@code 50%}), a number of paths ({@code 1000}), or {@code off}. Deletions
 * collected within a minute (or a full sync's) above it are held until released.
 *
 * @param percent 0-100, or -1 when {@code paths} is the limit or the guard is off
 * @param paths a number of paths, or -1 when {@code percent} is the limit or the guard is off
 */
public record MaxDelete(int percent, long paths) {
  public static final MaxDelete OFF = new MaxDelete(-1, -1);
  private static final Pattern FORM = Pattern.compile("(\\d{1,18})\\s*(%?)");

  /** Null when {@code text} is none of the forms (the key's rule then refuses it). */
  static MaxDelete parse(String text) {
    String t = text.strip().toLowerCase(Locale.ROOT);
    if (t.equals("off")) return OFF;
    Matcher m = FORM.matcher(t);
    if (!m.matches()) return null;
    long n = Long.parseLong(m.group(1));
    return m.group(2).isEmpty() ? new MaxDelete(-1, n) : new MaxDelete((int) Math.min(n, Integer.MAX_VALUE), -1);
  }

  public boolean off() {
    return percent < 0 && paths < 0;
  }

  /** Most deletions allowed on a target holding {@code targetEntries} entries; Long.MAX_VALUE when off. */
  public long limit(long targetEntries) {
    if (off()) return Long.MAX_VALUE;
    if (paths >= 0) return paths;
    return Math.max(0, targetEntries) * percent / 100;
  }

  @Override
  public String toString() {
    return off() ? "off" : paths >= 0 ? Long.toString(paths) : percent + "%";
  }
}
