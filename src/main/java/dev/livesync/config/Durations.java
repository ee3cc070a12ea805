package dev.livesync.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as people write them: {@code 200ms}, {@code 1s}, {@code 1.5s}, {@code 5m}, {@code 1h30m}, {@code 2d}. */
public final class Durations {
  private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h|d)");

  private Durations() {}

  /** Null when {@code s} is not a duration. */
  public static Duration parse(String s) {
    String t = s.strip();
    if (t.isEmpty()) return null;
    Matcher m = PART.matcher(t);
    long nanos = 0;
    int at = 0;
    while (at < t.length()) {
      if (!m.find(at) || m.start() != at) return null;
      double n = Double.parseDouble(m.group(1));
      long unit = switch (m.group(2)) {
        case "ms" -> 1_000_000L;
        case "s" -> 1_000_000_000L;
        case "m" -> 60_000_000_000L;
        case "h" -> 3_600_000_000_000L;
        default -> 86_400_000_000_000L;
      };
      nanos += Math.round(n * unit);
      at = m.end();
    }
    return Duration.ofNanos(nanos);
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
