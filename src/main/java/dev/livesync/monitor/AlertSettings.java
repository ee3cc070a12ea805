package dev.livesync.monitor;

import dev.livesync.LivesyncException;
import java.time.Duration;

/**
 * When and how {@code run} raises alerts ({@code --alert-exec}, {@code --alert-after},
 * {@code --alert-lag}; config {@code [alert]} with {@code exec}, {@code after}, {@code lag}).
 * Validated here, once, for the command line and the config file alike.
 *
 * @param command run with {@code sh -c} for every alert, the alert as JSON on stdin
 * @param after a target failing (retrying or refused) this long raises {@code target_down}
 * @param lag lag above this for a minute raises {@code lag}
 */
public record AlertSettings(String command, Duration after, Duration lag) {
  public static final Duration DEFAULT_AFTER = Duration.ofSeconds(60);
  public static final Duration DEFAULT_LAG = Duration.ofSeconds(30);

  public AlertSettings {
    if (command == null || command.isBlank()) throw new IllegalArgumentException("command must not be empty");
    if (after == null) after = DEFAULT_AFTER;
    if (lag == null) lag = DEFAULT_LAG;
  }

  /**
   * Checks the values as given on the command line ({@code config} false: messages name the flags)
   * or in the config file ({@code [alert]} keys); every refusal is a {@link LivesyncException}, exit 2.
   * Null durations take the defaults.
   */
  public static AlertSettings of(String command, Duration after, Duration lag, boolean config) {
    String exec = config ? "[alert] exec" : "--alert-exec", afterName = config ? "[alert] after" : "--alert-after",
        lagName = config ? "[alert] lag" : "--alert-lag";
    if (command == null || command.isBlank()) throw new LivesyncException(exec + ": expected a command, got an empty string", 2);
    if (after != null && after.isNegative()) throw new LivesyncException(afterName + ": expected a duration of 0s or more", 2);
    if (lag != null && lag.compareTo(Duration.ofMillis(1)) < 0) throw new LivesyncException(lagName + ": expected a duration of at least 1ms", 2);
    return new AlertSettings(command, after, lag);
  }
}
