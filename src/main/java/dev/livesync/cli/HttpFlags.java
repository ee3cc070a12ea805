package dev.livesync.cli;

import dev.livesync.LivesyncException;
import dev.livesync.config.MonitorConfig;
import dev.livesync.monitor.HttpSettings;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --http} and {@code --http-token} as {@code run} and {@code serve} take them, read by the
 * rules of {@link HttpSettings} as the config's {@code [http]} is.
 */
final class HttpFlags {
  @Option(names = "--http", paramLabel = "ADDR:PORT", description = "Serve a status page, /metrics (Prometheus) and /api/status here (a bare PORT is 127.0.0.1:PORT; off by default). Another address than loopback needs --http-token.")
  String http;

  @Option(names = "--http-token", paramLabel = "FILE", description = "Bearer token every HTTP request must carry (first line of FILE, mode 0600, at least 16 characters); a browser may give it as the password of HTTP Basic.")
  Path httpToken;

  /**
   * The flags, else {@code m}'s {@code [http]} ({@link MonitorConfig#NONE} where there is no config);
   * null when neither asks for HTTP.
   */
  HttpSettings settings(MonitorConfig m) {
    if (http != null) return HttpSettings.of(http, httpToken, "--http", "--http-token");
    if (httpToken != null && m.listen() == null) throw new LivesyncException("--http-token is for --http; give --http ADDR:PORT too", 2);
    if (m.listen() == null) return null;
    Path token = httpToken != null ? httpToken : m.tokenFile();
    return m.check("listen", () -> HttpSettings.of(m.listen(), token, "http.listen", httpToken != null ? "--http-token" : "http.token_file"))
        .fromConfig(m.at("listen"));
  }
}
