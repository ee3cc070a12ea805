package dev.livesync.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The {@code [http]} and {@code [alert]} sections as written (the rules live in the monitor's own
 * settings types, which {@code run} builds from these and from the flags alike).
 *
 * @param listen {@code [http] listen}, or null (no HTTP)
 * @param tokenFile {@code [http] token_file}, or null
 * @param alertExec {@code [alert] exec}, or null (no alerts)
 * @param alertAfter {@code [alert] after}, or null (the default)
 * @param alertLag {@code [alert] lag}, or null (the default)
 * @param position where each key is, for messages: "file:line:col" by key name ("listen", "exec", ...)
 */
public record MonitorConfig(String listen, Path tokenFile, String alertExec, Duration alertAfter, Duration alertLag,
    java.util.Map<String, String> position) {
  public static final MonitorConfig NONE = new MonitorConfig(null, null, null, null, null, java.util.Map.of());

  /** {@code [alert] after} ({@code --alert-after}): how long a target may fail before target_down. */
  public static final dev.livesync.settings.Rule.Span ALERT_AFTER = new dev.livesync.settings.Rule.Span(Duration.ZERO, Duration.ofDays(365));

  /** {@code [alert] lag} ({@code --alert-lag}): lag that, held for a minute, raises the lag alert. */
  public static final dev.livesync.settings.Rule.Span ALERT_LAG = new dev.livesync.settings.Rule.Span(Duration.ofMillis(1), Duration.ofDays(365));

  /** What {@code make} makes of this section's {@code key}; its refusal becomes a config error at the key's place (exit 78). */
  public <T> T check(String key, java.util.function.Supplier<T> make) {
    try {
      return make.get();
    } catch (dev.livesync.LivesyncException e) {
      throw new ConfigException(at(key) + e.getMessage());
    }
  }

  /** {@code file:line:col: } of {@code key}, or the empty string. */
  public String at(String key) {
    String p = position.get(key);
    return p == null ? "" : p + ": ";
  }
}
