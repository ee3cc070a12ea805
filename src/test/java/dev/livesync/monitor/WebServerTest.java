package dev.livesync.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.livesync.LivesyncException;
import dev.livesync.testing.FreePort;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The status page's HTTP server on a real loopback socket. */
class WebServerTest {
  /** Stalled connections opened before the scrape: more than the server ever had threads. */
  static final int STALLED = 8;

  @TempDir Path tmp;

  static HttpSettings at(int port) {
    return HttpSettings.of(Integer.toString(port), null, "--http", "--http-token");
  }

  /** run --check, start and doctor try the address first: the try must let it go, or the run after it cannot listen. */
  @Test
  void aProbeLetsTheAddressGoForTheServerThatFollows() {
    HttpSettings http = at(FreePort.find());
    WebServer.probe(http);
    try (var web = WebServer.start(http, new PrometheusRegistry(), Map.of())) {
      assertThat(web.port()).isEqualTo(http.listen().getPort());
    }
    WebServer.probe(http); // and once more after the server closed
  }

  @Test
  void aProbeOfAPortInUseIsRefusedInStartsWords() throws Exception {
    try (var held = new ServerSocket()) {
      held.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      HttpSettings http = at(held.getLocalPort());
      String said = "cannot listen on " + http.spec() + " (--http): Address already in use (another process holds the port: `ss -ltnp 'sport = :"
          + held.getLocalPort() + "'` shows which)";
      assertThatThrownBy(() -> WebServer.probe(http)).isInstanceOf(LivesyncException.class).hasMessage(said)
          .satisfies(e -> assertThat(((LivesyncException) e).exitCode()).isEqualTo(2));
      assertThatThrownBy(() -> WebServer.start(http, new PrometheusRegistry(), Map.of())).hasMessage(said)
          .satisfies(e -> assertThat(((LivesyncException) e).exitCode()).isEqualTo(2));
      // the config's [http] listen: at the key's place, exit 78, as the key's other refusals
      HttpSettings key = http.fromConfig("/etc/livesync/livesync.toml:4:1: ");
      assertThatThrownBy(() -> WebServer.probe(key)).hasMessage("/etc/livesync/livesync.toml:4:1: http.listen: cannot listen on " + http.spec()
          + ": Address already in use (another process holds the port: `ss -ltnp 'sport = :" + held.getLocalPort() + "'` shows which)")
          .satisfies(e -> assertThat(((LivesyncException) e).exitCode()).isEqualTo(78));
    }
  }

  /**
   * Connections that send a request's first lines but never the blank line ending its headers (a
   * slow or hostile client, before any token is checked) held every thread of the server: /metrics,
   * / and /api/status went unanswered for minutes. A scrape now answers at once while they wait,
   * and the server closes them once their time to send a request is up.
   */
  @ParameterizedTest(name = "with a token: {0}")
  @ValueSource(booleans = {false, true})
  void connectionsThatNeverFinishTheirHeadersNeitherStarveOthersNorStayOpen(boolean withToken) throws Exception {
    String token = "0123456789abcdef-token";
    Path tokenFile = null;
    if (withToken) {
      tokenFile = Files.writeString(tmp.resolve("http.token"), token + "\n");
      Files.setPosixFilePermissions(tokenFile, PosixFilePermissions.fromString("rw-------"));
    }
    int port = FreePort.find();
    HttpSettings http = HttpSettings.of(Integer.toString(port), tokenFile, "--http", "--http-token");
    List<Socket> stalled = new ArrayList<>();
    try (var web = WebServer.start(http, new PrometheusRegistry(), Map.of("/", q -> WebServer.Reply.html("<p>page</p>"), "/api/status", q -> WebServer.Reply.json("{}")))) {
      for (int i = 0; i < STALLED; i++) {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
        stalled.add(s);
        s.getOutputStream().write("GET /metrics HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
      }
      Thread.sleep(300); // the server has read what they sent and waits for the rest

      var client = HttpClient.newHttpClient();
      for (String path : new String[] {"/metrics", "/", "/api/status"}) {
        var b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(3));
        if (withToken) b.header("Authorization", "Bearer " + token);
        var r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path).isEqualTo(200);
      }

      // each stalled connection is closed by the server (after 5 s): its read ends, within a generous bound
      long boundMillis = 30_000;
      for (Socket s : stalled) {
        s.setSoTimeout((int) boundMillis);
        try {
          int first = s.getInputStream().read();
          if (first >= 0) s.getInputStream().readAllBytes(); // whatever it said, then the close
        } catch (SocketTimeoutException e) {
          throw new AssertionError("a connection that never finished its request was still open after " + boundMillis + " ms", e);
        } catch (IOException reset) {
          // closed with unread data: a reset is a close too
        }
      }
    } finally {
      for (Socket s : stalled) s.close();
    }
  }
}
