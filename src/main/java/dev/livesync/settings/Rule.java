package dev.livesync.settings;

import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What values a setting accepts, and the words that say so. {@link #expected()} is what every
 * front-end prints after the setting's name when a value is refused ("expected a whole number from
 * 1 to 64"), so the command line, the config file and doctor say the same.
 */
public sealed interface Rule {
  /** The accepted values, as in "expected ...". */
  String expected();

  /** An integer in [min, max]. */
  record Whole(long min, long max) implements Rule {
    @Override
    public String expected() {
      return "a whole number from " + min + " to " + max;
    }
  }

  /** A duration in [min, max]. */
  record Span(Duration min, Duration max) implements Rule {
    @Override
    public String expected() {
      return "a duration from " + Durations.format(min) + " to " + Durations.format(max) + ", such as " + examples() + " " + UNITS;
    }

    /** Up to four of the usual examples that this span accepts: never one it would refuse. */
    private String examples() {
      var fit = SAMPLES.stream().filter(d -> Durations.parse(d).compareTo(min) >= 0 && Durations.parse(d).compareTo(max) <= 0).limit(4).toList();
      return fit.isEmpty() ? Durations.format(min) : String.join(", ", fit);
    }
  }

  /** {@code 0s} (none), or whole seconds from 1s to {@code max}: what rsync's --timeout takes. */
  record Seconds(Duration max) implements Rule {
    @Override
    public String expected() {
      return "0s (none) or whole seconds from 1s to " + Durations.format(max) + ", such as 30s, 2m";
    }
  }

  /** A byte count in [min, max]. */
  record Size(long min, long max) implements Rule {
    @Override
    public String expected() {
      return "a size from " + min + " to " + Sizes.format(max) + ", such as 64MiB, 512K, 1G (K, M, G, T are powers of 1024;"
          + " KB, MB, GB, TB powers of 1000; a lower-case b, as in Mb, reads as bits and is refused)";
    }
  }

  /** One of a few words (compared in lower case). */
  record Choice(List<String> values) implements Rule {
    @Override
    public String expected() {
      return "one of " + String.join(", ", values);
    }
  }

  /** A rate as rsync's --bwlimit takes it ({@link BwLimit}). */
  record Rate() implements Rule {
    @Override
    public String expected() {
      return "a rate as rsync --bwlimit takes it: 0 (none) or at least 512 bytes/s, in KiB/s (such as 500, 1.5) or with a unit"
          + " such as 512b (bytes), 500K, 10M (K, M, G powers of 1024; KB, MB, GB powers of 1000)";
    }
  }

  /** Text matching a pattern. */
  record Text(Pattern pattern, String expected) implements Rule {}

  /** An absolute path. */
  record AbsolutePath() implements Rule {
    @Override
    public String expected() {
      return "an absolute path (starting with /)";
    }
  }

  /** The mass-deletion guard's threshold: a share of the target's files, a number of paths, or off ({@link MaxDelete}). */
  record DeleteLimit() implements Rule {
    @Override
    public String expected() {
      return "a share of the target's files from 0% to 100% such as 50%, a number of paths such as 1000, or off";
    }
  }

  /** true or false. */
  record Switch() implements Rule {
    @Override
    public String expected() {
      return "true or false";
    }
  }

  /** Checked by its own code (a target URL, rsync options); {@code expected} describes it. */
  record Custom(String expected) implements Rule {}

  String UNITS = "(units ms, s, m, h, d)";

  String EXAMPLES = "200ms, 30s, 5m, 1h " + UNITS;

  /** The examples a {@link Span} picks from, shortest first. */
  List<String> SAMPLES = List.of("200ms", "30s", "5m", "1h", "30d");
}
