package dev.livesync.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A real Prometheus server (Debian's {@code prometheus}) on 127.0.0.1, scraping one target every
 * second, with its data in a temp dir; {@link #query} asks its HTTP API. {@link #close} stops it by pid.
 */
public final class PrometheusServer implements AutoCloseable {
  private final Process process;
  private final Path home;
  private final int port;
  private final HttpClient http = HttpClient.newHttpClient();

  private PrometheusServer(Process process, Path home, int port) {
    this.process = process;
    this.home = home;
    this.port = port;
  }

  /** Scrapes {@code http://127.0.0.1:targetPort/metrics} every second as job "livesync". */
  public static PrometheusServer scraping(int targetPort) throws InterruptedException {
    Path home = TempFiles.dir("prometheus");
    int port = FreePort.find();
    TempFiles.write(home.resolve("prometheus.yml"), """
        global:
          scrape_interval: 1s
          evaluation_interval: 1s
        scrape_configs:
          - job_name: livesync
            static_configs:
              - targets: ['127.0.0.1:%d']
        """.formatted(targetPort));
    Process p;
    try {
      p = new ProcessBuilder("prometheus", "--config.file=" + home.resolve("prometheus.yml"), "--storage.tsdb.path=" + home.resolve("data"),
          "--web.listen-address=127.0.0.1:" + port, "--log.level=warn")
          .redirectErrorStream(true).redirectOutput(home.resolve("prometheus.log").toFile()).start();
    } catch (IOException e) {
      TempFiles.deleteTree(home);
      throw new IllegalStateException("cannot start prometheus (apt-get install prometheus)", e);
    }
    var s = new PrometheusServer(p, home, port);
    try {
      FreePort.awaitAccepting(port, p, Duration.ofSeconds(60), s::log);
    } catch (RuntimeException | AssertionError | InterruptedException e) {
      s.close();
      throw e;
    }
    return s;
  }

  public String log() {
    return TempFiles.readOrEmpty(home.resolve("prometheus.log"));
  }

  /** An instant query's result vector ({@code data.result}); an error answer fails. */
  public JsonNode query(String promql) throws IOException, InterruptedException {
    var req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)))
        .timeout(Duration.ofSeconds(10)).build();
    JsonNode doc = new ObjectMapper().readTree(http.send(req, HttpResponse.BodyHandlers.ofString()).body());
    if (!"success".equals(doc.path("status").asText())) throw new IllegalStateException("prometheus: " + doc);
    return doc.path("data").path("result");
  }

  /** The first sample's value of {@code promql}, or NaN when the result is empty. */
  public double value(String promql) throws IOException, InterruptedException {
    JsonNode r = query(promql);
    return r.isEmpty() ? Double.NaN : Double.parseDouble(r.get(0).path("value").get(1).asText());
  }

  /** The target's health as Prometheus sees it ("up", "down", "unknown"). */
  public String targetHealth() throws IOException, InterruptedException {
    var req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/targets")).build();
    JsonNode t = new ObjectMapper().readTree(http.send(req, HttpResponse.BodyHandlers.ofString()).body()).path("data").path("activeTargets");
    return t.isEmpty() ? "none" : t.get(0).path("health").asText() + " " + t.get(0).path("lastError").asText();
  }

  @Override
  public void close() {
    Processes.killTree(process);
    TempFiles.deleteTree(home);
  }

  public record ToolResult(int exit, String output) {}

  /** {@code promtool ARGS...} with {@code stdin}: its exit code and output. */
  public static ToolResult promtool(List<String> args, String stdin) throws IOException, InterruptedException {
    var cmd = new java.util.ArrayList<>(List.of("promtool"));
    cmd.addAll(args);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    try (var in = p.getOutputStream()) {
      if (stdin != null) in.write(stdin.getBytes(StandardCharsets.UTF_8));
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor();
    return new ToolResult(p.exitValue(), out);
  }
}
