package dev.livesync.cli;

import dev.livesync.LivesyncException;
import dev.livesync.config.Config;
import dev.livesync.config.ConfigException;
import dev.livesync.config.MonitorConfig;
import dev.livesync.monitor.AlertSettings;
import dev.livesync.monitor.HttpSettings;
import java.nio.file.Path;
import java.util.function.Supplier;
import picocli.CommandLine.Option;

/**
 * {@code run}'s status page, metrics and alert flags. A flag wins over the config's key; both go
 * through the same rules ({@link HttpSettings}, {@link AlertSettings}): a refused flag is exit 2, a
 * refused key exit 78 with its place in the file.
 */
final class MonitorOptions {
  @Option(names = "--http", paramLabel = "ADDR:PORT", description = "Serve the live status page, /metrics (Prometheus) and /api/status here (a bare PORT is 127.0.0.1:PORT; off by default). Another address than loopback needs --http-token.")
  String http;

  @Option(names = "--http-token", paramLabel = "FILE", description = "Bearer token every HTTP request must carry (first line of FILE, mode 0600, at least 16 characters); a browser may give it as the password of HTTP Basic.")
  Path httpToken;

  @Option(names = "--alert-exec", paramLabel = "COMMAND", description = "Run this (sh -c) for each alert and once more when it is resolved, the alert as JSON on stdin: a target failing longer than --alert-after, lag above --alert-lag for a minute, watches run out. At most once per condition per minute.")
  String alertExec;

  @Option(names = "--alert-after", paramLabel = "DURATION", description = "How long a target may fail before the target_down alert (default: 60s).")
  java.time.Duration alertAfter;

  @Option(names = "--alert-lag", paramLabel = "DURATION", description = "Lag that, held for a minute, raises the lag alert (default: 30s).")
  java.time.Duration alertLag;

  /** The HTTP settings from the flags, else from {@code cfg}'s {@code [http]}; null when neither asks for HTTP. */
  HttpSettings httpSettings(Config cfg) {
    return httpSettings(http, httpToken, cfg == null ? MonitorConfig.NONE : cfg.monitor());
  }

  /**
   * {@code --http} and {@code --http-token} as {@code run} and {@code serve} read them: the flags, else
   * {@code m}'s {@code [http]} ({@link MonitorConfig#NONE} where there is no config); null when neither asks for HTTP.
   */
  static HttpSettings httpSettings(String http, Path httpToken, MonitorConfig m) {
    if (http != null) return HttpSettings.of(http, httpToken, "--http", "--http-token");
    if (httpToken != null && m.listen() == null) throw new LivesyncException("--http-token is for --http; give --http ADDR:PORT too", 2);
    if (m.listen() == null) return null;
    Path token = httpToken != null ? httpToken : m.tokenFile();
    return inConfig(m, "listen", () -> HttpSettings.of(m.listen(), token, "[http] listen", httpToken != null ? "--http-token" : "[http] token_file"));
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
    return inConfig(m, "exec", () -> AlertSettings.of(m.alertExec(), after != null ? after : m.alertAfter(), lag != null ? lag : m.alertLag(), true));
  }

  /** Runs {@code make}; a refusal becomes a config error at {@code key}'s place (exit 78). */
  private static <T> T inConfig(MonitorConfig m, String key, Supplier<T> make) {
    try {
      return make.get();
    } catch (LivesyncException e) {
      throw new ConfigException(m.at(key) + e.getMessage());
    }
  }
}
