package dev.livesync.settings;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as people write them: {@code 200ms}, {@code 1s}, {@code 1.5s}, {@code 5m}, {@code 1h30m}, {@code 2d}. */
public final class Durations {
  private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h|d)");
  /** Longer than any setting allows, and far from overflowing: what an absurd value parses to. */
  private static final Duration HUGE = Duration.ofDays(100_000);

  private Durations() {}

  /** Null when {@code s} is not a duration; a value beyond 100,000 days is that long. */
  public static Duration parse(String s) {
    String t = s.strip();
    if (t.isEmpty()) return null;
    Matcher m = PART.matcher(t);
    BigDecimal nanos = BigDecimal.ZERO;
    int at = 0;
    while (at < t.length()) {
      if (!m.find(at) || m.start() != at) return null;
      long unit = switch (m.group(2)) {
        case "ms" -> 1_000_000L;
        case "s" -> 1_000_000_000L;
        case "m" -> 60_000_000_000L;
        case "h" -> 3_600_000_000_000L;
        default -> 86_400_000_000_000L;
      };
      nanos = nanos.add(new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unit)));
      at = m.end();
    }
    if (nanos.compareTo(BigDecimal.valueOf(HUGE.toNanos())) > 0) return HUGE;
    return Duration.ofNanos(nanos.setScale(0, java.math.RoundingMode.HALF_UP).longValueExact());
  }

  /** The shortest exact form, e.g. {@code 200ms}, {@code 90s}. */
  public static String format(Duration d) {
    if (d.toMillis() % 1000 != 0 || d.isZero()) return d.toMillis() + "ms";
    long s = d.toSeconds();
    if (s % 86400 == 0) return s / 86400 + "d";
    if (s % 3600 == 0) return s / 3600 + "h";
    if (s % 60 == 0) return s / 60 + "m";
    return s + "s";
  }
}
