package dev.livesync.cli;

import dev.livesync.LivesyncException;
import dev.livesync.config.Config;
import dev.livesync.config.MonitorConfig;
import dev.livesync.monitor.AlertSettings;
import dev.livesync.monitor.HttpSettings;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code run}'s status page, metrics and alert flags. A flag wins over the config's key; both go
 * through the same rules ({@link HttpSettings}, {@link AlertSettings}): a refused flag is exit 2, a
 * refused key exit 78 with its place in the file.
 */
final class MonitorOptions {
  @Mixin HttpFlags web = new HttpFlags();

  @Option(names = "--alert-exec", paramLabel = "COMMAND", description = "Run this (sh -c) for each alert and once more when it is resolved, the alert as JSON on stdin: a sync failed (its source gone), a target failing longer than --alert-after, lag above --alert-lag for a minute, watches run out, deletions held by the mass-deletion guard, a target's standing warning. At most once per condition per minute.")
  String alertExec;

  @Option(names = "--alert-after", paramLabel = "DURATION", converter = AfterConverter.class, description = "How long a target may fail before the target_down alert (default: 60s).")
  java.time.Duration alertAfter;

  @Option(names = "--alert-lag", paramLabel = "DURATION", converter = LagConverter.class, description = "Lag that, held for a minute, raises the lag alert (default: 30s).")
  java.time.Duration alertLag;

  /** The HTTP settings from the flags, else from {@code cfg}'s {@code [http]}; null when neither asks for HTTP. */
  HttpSettings httpSettings(Config cfg) {
    return web.settings(cfg == null ? MonitorConfig.NONE : cfg.monitor());
  }

  /** The alert settings from the flags, else from {@code cfg}'s {@code [alert]}; null when no command is given. */
  AlertSettings alertSettings(Config cfg) {
    MonitorConfig m = cfg == null ? MonitorConfig.NONE : cfg.monitor();
    var after = alertAfter;
    var lag = alertLag;
    if (alertExec != null) return AlertSettings.of(alertExec, after != null ? after : m.alertAfter(), lag != null ? lag : m.alertLag(), false);
    if (m.alertExec() == null) {
      if (after != null || lag != null) throw new LivesyncException("--alert-after and --alert-lag are for --alert-exec; give --alert-exec COMMAND too", 2);
      return null;
    }
    return m.check("exec", () -> AlertSettings.of(m.alertExec(), after != null ? after : m.alertAfter(), lag != null ? lag : m.alertLag(), true));
  }

  /** A duration that does not parse: refused in the words of the range it must be in, as the config's key is. */
  private static java.time.Duration parse(String value, dev.livesync.settings.Rule.Span rule) {
    java.time.Duration d = dev.livesync.settings.Durations.parse(value);
    if (d == null) throw new picocli.CommandLine.TypeConversionException("expected " + rule.expected());
    return d;
  }

  static final class AfterConverter implements picocli.CommandLine.ITypeConverter<java.time.Duration> {
    @Override
    public java.time.Duration convert(String value) {
      return parse(value, MonitorConfig.ALERT_AFTER);
    }
  }

  static final class LagConverter implements picocli.CommandLine.ITypeConverter<java.time.Duration> {
    @Override
    public java.time.Duration convert(String value) {
      return parse(value, MonitorConfig.ALERT_LAG);
    }
  }
}
