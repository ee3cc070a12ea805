package dev.livesync.settings;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Byte counts: a whole number (bytes), or a whole number with one of these units, as written (case
 * matters): {@code K}/{@code KiB}, {@code M}/{@code MiB}, {@code G}/{@code GiB}, {@code T}/{@code TiB}
 * (powers of 1024), {@code KB}/{@code MB}/{@code GB}/{@code TB} (powers of 1000). Nothing else: a
 * lower-case {@code b} ({@code Mb}) reads as bits to many, and a fraction ({@code 1.5M}) is not a
 * byte count; both are refused rather than guessed.
 */
public final class Sizes {
  private static final Pattern SIZE = Pattern.compile("(\\d{1,19})(K|M|G|T)?(iB|B)?");

  private Sizes() {}

  /** Null when {@code s} is not a size (or too large to count). */
  public static Long parse(String s) {
    Matcher m = SIZE.matcher(s.strip());
    if (!m.matches()) return null;
    String unit = m.group(2);
    String suffix = m.group(3);
    if (unit == null && suffix != null) return null; // "12B", "12iB": not a documented form
    int power = unit == null ? 0 : "KMGT".indexOf(unit) + 1;
    long base = "B".equals(suffix) ? 1000 : 1024;
    try {
      long n = Long.parseLong(m.group(1));
      for (int i = 0; i < power; i++) n = Math.multiplyExact(n, base);
      return n;
    } catch (ArithmeticException | NumberFormatException e) {
      return null;
    }
  }

  /** The shortest exact form with a binary unit, e.g. {@code 64MiB}, {@code 1TiB}, {@code 1000}. */
  public static String format(long n) {
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    String out = Long.toString(n);
    long v = n;
    for (String u : units) {
      if (v == 0 || v % 1024 != 0) break;
      v /= 1024;
      out = v + u;
    }
    return out;
  }
}
