package dev.livesync.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.livesync.ops.status.Json;
import dev.livesync.testing.Await;
import dev.livesync.testing.FreePort;
import dev.livesync.testing.LivesyncProcess;
import dev.livesync.testing.PrometheusServer;
import dev.livesync.testing.RsyncDaemon;
import dev.livesync.testing.TempFiles;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code run --http} with real parts: an rsync daemon with password auth as the target, Debian's
 * Prometheus scraping /metrics every second and asked through its HTTP API, {@code promtool}
 * checking the exposition and the alert rules shipped in docs/, and the token rules seen from outside.
 */
class MetricsEndToEndTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private final Path dir = TempFiles.dir("metrics-e2e");

  @AfterEach
  void cleanUp() {
    TempFiles.deleteTree(dir);
  }

  static HttpResponse<String> get(int port, String path, String authorization) throws IOException, InterruptedException {
    var b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10));
    if (authorization != null) b.header("Authorization", authorization);
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  interface Probe {
    double value() throws Exception;
  }

  /** Polls {@code probe} until it reaches {@code atLeast}; returns the last value (the caller asserts, with its own context). */
  static double awaitAtLeast(Probe probe, double atLeast, Duration timeout) throws Exception {
    try {
      return Await.value("at least " + atLeast, timeout, probe::value, v -> v >= atLeast);
    } catch (AssertionError notReached) {
      return probe.value();
    }
  }

  /** The regular files under {@code root}; -1 when one went during the walk (rsync renaming its temp file): not yet. */
  static long filesUnder(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(Files::isRegularFile).count();
    } catch (java.io.UncheckedIOException e) {
      if (e.getCause() instanceof java.nio.file.NoSuchFileException) return -1;
      throw e;
    }
  }

  @Test
  void prometheusScrapesARunDuringALoadAndSeesEveryFileAndItsLag() throws Exception {
    Path src = Files.createDirectories(dir.resolve("src"));
    Path dst = Files.createDirectories(dir.resolve("dst"));
    int port = FreePort.find();
    try (var daemon = RsyncDaemon.builder(dst).module("nfsbackup").auth("rsync_backup", "s3cret-pass").start();
        var run = LivesyncProcess.start(List.of("run", src.toString(), daemon.url(), "--password-file", daemon.passwordFile().toString(),
            "--state-dir", dir.resolve("state").toString(), "--status-socket", dir.resolve("status.sock").toString(),
            "--http", "127.0.0.1:" + port));
        var prometheus = PrometheusServer.scraping(port)) {
      run.awaitOutput("running:", Duration.ofSeconds(60));
      int n = 300; // in bursts of 30 every 100 ms, into directories of their own
      for (int d = 0; d < n / 100; d++) Files.createDirectories(src.resolve("d" + d));
      assertThat(awaitAtLeast(() -> prometheus.value("livesync_watches"), 4, Duration.ofSeconds(30))).as("src and its three directories").isEqualTo(4);
      double before = prometheus.value("livesync_transferred_files_total");
      assertThat(before).as("prometheus has a sample; its target: %s", prometheus.targetHealth()).isGreaterThanOrEqualTo(0);
      double bytesBefore = prometheus.value("livesync_transferred_bytes_total");
      double lagCountBefore = prometheus.value("livesync_lag_seconds_count");

      // Each file appears whole, in one event: written beside the source and renamed into a directory
      // already watched. Written in place, a file whose CREATE is read just before a batch is cut and
      // whose data follows goes twice (as rsync found it then, and with its data): two transfers,
      // rightly counted as two. Under load that made 301 to 353 of 300 files.
      Path staging = Files.createDirectories(dir.resolve("staging"));
      long bytes = 0;
      for (int i = 0; i < n; i++) {
        Path whole = Files.write(staging.resolve("f" + i + ".dat"), new byte[1000 + i]);
        Files.move(whole, src.resolve("d" + i / 100).resolve("f" + i + ".dat"), StandardCopyOption.ATOMIC_MOVE);
        bytes += 1000 + i;
        if (i % 30 == 29) Thread.sleep(100);
      }
      assertThat(awaitAtLeast(() -> filesUnder(dst), n, Duration.ofSeconds(60))).as(run.output()).isEqualTo(n);

      double after = awaitAtLeast(() -> prometheus.value("livesync_transferred_files_total"), before + n, Duration.ofSeconds(30));
      assertThat(after - before).as("files counted by Prometheus, each sent once\n%s", run.output()).isEqualTo(n);
      assertThat(prometheus.value("livesync_transferred_bytes_total") - bytesBefore).as("their sizes").isEqualTo(bytes);
      assertThat(prometheus.value("livesync_lag_seconds_count") - lagCountBefore).as("lag observations, one per delivered path").isGreaterThanOrEqualTo(n);
      double p99 = prometheus.value("histogram_quantile(0.99, sum by (le) (rate(livesync_lag_seconds_bucket[1m])))");
      assertThat(p99).as("p99 lag over the last minute, seconds").isGreaterThan(0).isLessThan(60);
      assertThat(prometheus.value("livesync_target_up")).isEqualTo(1);
      assertThat(prometheus.value("livesync_rsync_runs_total{code=\"0\"}")).isGreaterThanOrEqualTo(2);
      assertThat(prometheus.value("livesync_watches")).isEqualTo(4); // src and its three directories
      assertThat(prometheus.value("livesync_watch_limit")).isGreaterThan(0);
      JsonNode labels = prometheus.query("livesync_target_up").get(0).path("metric");
      assertThat(labels.path("target").asText()).isEqualTo(daemon.url()); // as status shows it, no password
      assertThat(labels.toString()).doesNotContain("s3cret-pass");
      // LivesyncNoSuccess (docs/livesync-alerts.yml) tells a restart from an outage by the process's start,
      // joined on the labels Prometheus gives the scrape
      assertThat(prometheus.value("time() - process_start_time_seconds")).as("seconds since the process started").isGreaterThan(0).isLessThan(600);
      assertThat(prometheus.query("livesync_last_success_timestamp_seconds > 0 and on (instance, job) process_start_time_seconds > 0")).hasSize(1);

      String exposition = get(port, "/metrics", null).body();
      var check = PrometheusServer.promtool(List.of("check", "metrics"), exposition);
      assertThat(check.output()).as("promtool check metrics").isEmpty();
      assertThat(check.exit()).isZero();

      JsonNode status = Json.read(get(port, "/api/status", null).body(), "/api/status");
      assertThat(status.path("state").asText()).isEqualTo("running");
      assertThat(status.has("lastVerify")).isTrue();
      // the status is a snapshot the engine publishes a few times a second; the metrics count at delivery
      double delivered = awaitAtLeast(() -> Json.read(get(port, "/api/status", null).body(), "/api/status")
          .path("syncs").get(0).path("targets").get(0).path("deliveredFiles").asLong(), n, Duration.ofSeconds(10));
      assertThat(delivered).isGreaterThanOrEqualTo(n);
    }
  }

  @Test
  void theShippedAlertRulesPassPromtool() throws Exception {
    Path rules = Path.of(System.getProperty("livesync.home", ".")).resolve("docs/livesync-alerts.yml");
    var check = PrometheusServer.promtool(List.of("check", "rules", rules.toString()), null);
    assertThat(check.exit()).as(check.output()).isZero();
    assertThat(check.output()).contains("SUCCESS");
  }

  @Test
  void anAddressBeyondLoopbackWithoutATokenIsRefusedWithExit2() throws Exception {
    Path src = Files.createDirectories(dir.resolve("src"));
    int port = FreePort.find();
    try (var run = LivesyncProcess.start(List.of("run", src.toString(), dir.resolve("dst").toString(), "--state-dir", dir.resolve("state").toString(),
        "--status-socket", dir.resolve("status.sock").toString(), "--http", "0.0.0.0:" + port))) {
      assertThat(run.awaitExit(Duration.ofSeconds(60))).as(run.output()).isEqualTo(2);
      assertThat(run.output()).contains("--http 0.0.0.0:" + port + " listens beyond this host: give --http-token FILE too");
      assertThat(FreePort.accepts(port)).isFalse();
    }
  }

  @Test
  void withATokenEveryRequestNeedsIt() throws Exception {
    Path src = Files.createDirectories(dir.resolve("src"));
    Path token = TempFiles.privateFile(dir.resolve("http.token"), "Zm9vYmFyYmF6cXV4LXRva2VuLTAx\n");
    int port = FreePort.find();
    try (var run = LivesyncProcess.start(List.of("run", src.toString(), dir.resolve("dst").toString(), "--state-dir", dir.resolve("state").toString(),
        "--status-socket", dir.resolve("status.sock").toString(), "--http", "0.0.0.0:" + port, "--http-token", token.toString()))) {
      run.awaitOutput("running:", Duration.ofSeconds(60));
      for (String path : List.of("/", "/metrics", "/api/status", "/api/page")) {
        var r = get(port, path, null);
        assertThat(r.statusCode()).as(path).isEqualTo(401);
        assertThat(r.headers().allValues("WWW-Authenticate")).anyMatch(v -> v.startsWith("Bearer"));
        assertThat(r.body()).doesNotContain("livesync_");
        assertThat(get(port, path, "Bearer wrong-token-wrong-token").statusCode()).isEqualTo(401);
        assertThat(get(port, path, "Bearer Zm9vYmFyYmF6cXV4LXRva2VuLTAx").statusCode()).as(path).isEqualTo(200);
      }
      var post = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/status"))
          .header("Authorization", "Bearer Zm9vYmFyYmF6cXV4LXRva2VuLTAx").POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(post.statusCode()).isEqualTo(405);
    }
  }
}
