package dev.livesync.monitor;

import dev.livesync.LivesyncException;
import dev.livesync.config.MonitorConfig;
import dev.livesync.settings.Durations;
import dev.livesync.settings.Rule;
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
    // named as every other setting is: the config's table.key (its place in the file goes before), the flag with its value
    String exec = config ? "alert.exec" : "--alert-exec";
    if (command == null || command.isBlank()) throw new LivesyncException(exec + ": expected a command, got an empty string", 2);
    check(after, MonitorConfig.ALERT_AFTER, config ? "alert.after" : "--alert-after");
    check(lag, MonitorConfig.ALERT_LAG, config ? "alert.lag" : "--alert-lag");
    return new AlertSettings(command, after, lag);
  }

  private static void check(Duration d, Rule.Span rule, String name) {
    if (d == null || d.compareTo(rule.min()) >= 0 && d.compareTo(rule.max()) <= 0) return;
    String shown = name.startsWith("--") ? name + " " + Durations.format(d) : name;
    throw new LivesyncException(shown + ": expected " + rule.expected(), 2);
  }
}
