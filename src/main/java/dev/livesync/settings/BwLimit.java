package dev.livesync.settings;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A rate for rsync's {@code --bwlimit}, read as rsync 3.x reads it, so that a value livesync takes
 * is one every rsync run takes too ({@code --bwlimit 0.1} passed a pattern and failed every run with
 * exit 1; {@code 512b}, which rsync takes, was refused). A number, a fraction allowed ({@code 1.5}),
 * in KiB/s unless a unit follows: {@code b} bytes, {@code k m g t p} powers of 1024, the same with
 * {@code iB} too, with {@code B} powers of 1000 ({@code 10MB}); then {@code +1} or {@code -1} byte.
 * rsync takes 0 as no limit and refuses anything else under 512 bytes/s.
 */
public final class BwLimit {
  private static final Pattern RATE = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(?:([bkmgtp])(b|ib)?)?([+-]1)?", Pattern.CASE_INSENSITIVE);
  private static final BigDecimal MAX = BigDecimal.valueOf(Long.MAX_VALUE);
  /** The least rate rsync takes other than 0, in bytes per second. */
  public static final long MIN_BYTES = 512;

  private BwLimit() {}

  /** {@code text} in bytes per second (0: no limit), or -1 when rsync would refuse it. */
  public static long bytesPerSecond(String text) {
    Matcher m = text == null ? null : RATE.matcher(text);
    if (m == null || !m.matches()) return -1;
    String unit = m.group(2) == null ? "k" : m.group(2).toLowerCase(Locale.ROOT);
    int power = "bkmgtp".indexOf(unit.charAt(0));
    BigDecimal base = BigDecimal.valueOf("b".equalsIgnoreCase(m.group(3)) ? 1000 : 1024);
    BigDecimal bytes = new BigDecimal(m.group(1).endsWith(".") ? m.group(1) + "0" : m.group(1)).multiply(base.pow(power));
    long whole = bytes.compareTo(MAX) >= 0 ? -1 : bytes.longValue(); // rsync keeps the whole bytes
    if (whole < 0) return -1;
    if (m.group(4) != null) whole += m.group(4).startsWith("+") ? 1 : -1;
    return whole == 0 || whole >= MIN_BYTES ? whole : -1;
  }
}
