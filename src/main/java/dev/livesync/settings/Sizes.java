package dev.livesync.settings;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Byte counts: an integer, or a number with a unit: {@code K}/{@code KiB} (1024), {@code M}/{@code MiB},
 * {@code G}/{@code GiB}, {@code KB}/{@code MB}/{@code GB} (powers of 1000), {@code B}.
 */
public final class Sizes {
  private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([KMGT]?)(i?B?)", Pattern.CASE_INSENSITIVE);

  private Sizes() {}

  /** Null when {@code s} is not a size. */
  public static Long parse(String s) {
    Matcher m = SIZE.matcher(s.strip());
    if (!m.matches()) return null;
    String unit = m.group(2).toUpperCase();
    String suffix = m.group(3);
    boolean decimal = suffix.equalsIgnoreCase("B") && !unit.isEmpty();
    if (unit.isEmpty() && suffix.toLowerCase().startsWith("i")) return null;
    int power = unit.isEmpty() ? 0 : "KMGT".indexOf(unit) + 1;
    double base = decimal ? 1000 : 1024;
    return Math.round(Double.parseDouble(m.group(1)) * Math.pow(base, power));
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
