package dev.livesync.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.livesync.LivesyncException;
import dev.livesync.testing.FreePort;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The status page's HTTP server on a real loopback socket. */
class WebServerTest {
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
      assertThatThrownBy(() -> WebServer.probe(http)).isInstanceOf(LivesyncException.class)
          .hasMessage("cannot listen on " + http.spec() + " for --http: Address already in use (another process uses the port? `ss -ltnp` shows which)")
          .satisfies(e -> assertThat(((LivesyncException) e).exitCode()).isEqualTo(1));
      assertThatThrownBy(() -> WebServer.start(http, new PrometheusRegistry(), Map.of())).hasMessage(
          "cannot listen on " + http.spec() + " for --http: Address already in use (another process uses the port? `ss -ltnp` shows which)");
    }
  }
}
