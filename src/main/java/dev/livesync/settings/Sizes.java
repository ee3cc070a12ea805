package dev.livesync.settings;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Byte counts: a number (bytes), or a number with a unit: {@code K}/{@code KiB}, {@code M}/{@code MiB},
 * {@code G}/{@code GiB}, {@code T}/{@code TiB} (powers of 1024), {@code KB}/{@code MB}/{@code GB}/{@code TB}
 * (powers of 1000); the unit's letter in either case, a space before it allowed, a fraction rounded
 * to a whole byte ({@code 1.5M}), as since the first release. Refused: a lower-case {@code b}
 * ({@code 64Mb}, {@code 64mb}, {@code 64mib}), which reads as bits to many — guessing bytes there
 * was a guess by a factor of eight.
 */
public final class Sizes {
  private static final Pattern SIZE = Pattern.compile("(\\d{1,19}(?:\\.\\d{1,9})?)\\s*([KMGTkmgt])?(iB|B)?");

  private Sizes() {}

  /** Null when {@code s} is not a size (or too large to count). */
  public static Long parse(String s) {
    Matcher m = SIZE.matcher(s.strip());
    if (!m.matches()) return null;
    String unit = m.group(2);
    String suffix = m.group(3);
    if (unit == null && "iB".equals(suffix)) return null; // "12iB": no unit to be binary
    int power = unit == null ? 0 : "KMGT".indexOf(unit.toUpperCase()) + 1;
    boolean decimal = "B".equals(suffix) && unit != null;
    java.math.BigDecimal n = new java.math.BigDecimal(m.group(1))
        .multiply(java.math.BigDecimal.valueOf(decimal ? 1000 : 1024).pow(power));
    try {
      return n.setScale(0, java.math.RoundingMode.HALF_UP).longValueExact();
    } catch (ArithmeticException e) {
      return null; // beyond a long
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
