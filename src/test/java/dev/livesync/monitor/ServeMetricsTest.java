package dev.livesync.monitor;

import static dev.livesync.monitor.MetricsEndToEndTest.awaitAtLeast;
import static dev.livesync.monitor.MetricsEndToEndTest.get;
import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.testing.FreePort;
import dev.livesync.testing.LivesyncProcess;
import dev.livesync.testing.PrometheusServer;
import dev.livesync.testing.TempFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code serve --http}: per-module bytes, sessions, refused logins and daemon restarts, from a real daemon and real clients. */
class ServeMetricsTest {
  private final Path dir = TempFiles.dir("serve-metrics");

  @AfterEach
  void cleanUp() {
    TempFiles.deleteTree(dir);
  }

  private static double metric(String exposition, String series) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(exposition);
    return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
  }

  private static int rsync(Path passwordFile, String... args) throws Exception {
    var cmd = new java.util.ArrayList<>(List.of("rsync", "-a", "--password-file=" + passwordFile));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    return p.waitFor();
  }

  @Test
  void countsWhatClientsPushPerModuleRefusedLoginsAndRestarts() throws Exception {
    Path module = Files.createDirectories(dir.resolve("nfsbackup"));
    Path src = Files.createDirectories(dir.resolve("src"));
    Files.write(src.resolve("big.bin"), new byte[200_000]);
    Path pw = TempFiles.privateFile(dir.resolve("rsync.password"), "s3cret-pass\n");
    Path wrong = TempFiles.privateFile(dir.resolve("wrong.password"), "not-the-password\n");
    int rsyncPort = FreePort.find();
    int httpPort = FreePort.find();
    try (var serve = LivesyncProcess.start(List.of("serve", "--module", "nfsbackup", "--path", module.toString(), "--user", "rsync_backup",
        "--password-file", pw.toString(), "--address", "127.0.0.1", "--port", Integer.toString(rsyncPort), "--runtime-dir",
        dir.resolve("run").toString(), "--http", "127.0.0.1:" + httpPort))) {
      serve.awaitOutput("metrics and status on", Duration.ofSeconds(60));
      String url = "rsync://rsync_backup@127.0.0.1:" + rsyncPort + "/nfsbackup/";
      assertThat(rsync(pw, src + "/", url)).isZero();
      assertThat(rsync(wrong, src + "/", url)).isEqualTo(5);
      String series = "livesync_serve_received_bytes_total{module=\"nfsbackup\"}";
      assertThat(awaitAtLeast(() -> metric(get(httpPort, "/metrics", null).body(), series), 200_000, Duration.ofSeconds(10)))
          .as(serve.output()).isGreaterThanOrEqualTo(200_000);
      String text = get(httpPort, "/metrics", null).body();
      assertThat(metric(text, "livesync_serve_connections_total{module=\"nfsbackup\"}")).isEqualTo(1);
      assertThat(metric(text, "livesync_serve_auth_failures_total{module=\"nfsbackup\"}")).isEqualTo(1);
      assertThat(metric(text, "livesync_serve_daemon_restarts_total")).isZero();

      long daemon = (long) metric(text, "livesync_serve_daemon_pid");
      ProcessHandle.of(daemon).orElseThrow().destroyForcibly();
      assertThat(awaitAtLeast(() -> metric(get(httpPort, "/metrics", null).body(), "livesync_serve_daemon_restarts_total"), 1, Duration.ofSeconds(30)))
          .isEqualTo(1);
      var check = PrometheusServer.promtool(List.of("check", "metrics"), get(httpPort, "/metrics", null).body());
      assertThat(check.output()).isEmpty();
      assertThat(get(httpPort, "/api/status", null).body()).contains("\"nfsbackup\"", "\"daemonRestarts\":1");
    }
  }
}
