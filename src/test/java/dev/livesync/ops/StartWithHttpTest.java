package dev.livesync.ops;

import dev.livesync.ops.service.ServiceRoundTripTest;

import dev.livesync.ops.service.ServiceFiles;
import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.testing.FreePort;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code start --http}: start checks its arguments as run --check does, which tries the --http
 * address; that try kept the port open in start's own process, so the run it launched could never
 * listen there and start always failed ("Address already in use"). Now start runs, the page and
 * /metrics answer on the port, and stop ends it.
 */
class StartWithHttpTest {
  @TempDir Path tmp;
  private ProcessHandle started;

  @BeforeEach
  void dirs() {
    System.setProperty("livesync.runtime.dir", tmp.resolve("run").toString());
    System.setProperty("livesync.state.dir", tmp.resolve("state").toString());
  }

  @AfterEach
  void cleanup() {
    if (started != null) started.destroyForcibly();
    System.clearProperty("livesync.runtime.dir");
    System.clearProperty("livesync.state.dir");
  }

  @Test
  void startWithHttpRunsAndThePageAnswersUntilStop() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src"));
    Path dst = Files.createDirectories(tmp.resolve("dst"));
    Files.writeString(src.resolve("a"), "a");
    int port = FreePort.find();
    var start = ServiceRoundTripTest.cli("start", "--wait", "60s", src.toString(), dst.toString(), "--http", Integer.toString(port),
        "--state-dir", tmp.resolve("journal").toString());
    assertThat(start.code()).as(start.err()).isZero();
    started = ProcessHandle.of(Long.parseLong(Files.readString(ServiceFiles.defaults().pidFile()).trim())).orElseThrow();

    var http = HttpClient.newHttpClient();
    for (String path : new String[] {"/", "/metrics", "/api/status"}) {
      var r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
    }

    var stop = ServiceRoundTripTest.cli("stop");
    assertThat(stop.code()).as(stop.err()).isZero();
    assertThat(started.isAlive()).isFalse();
    assertThat(FreePort.accepts(port)).as("the port is let go once stopped").isFalse();
  }
}
