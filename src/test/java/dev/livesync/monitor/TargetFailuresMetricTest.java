package dev.livesync.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.ops.status.StatusDocument;
import dev.livesync.sync.EngineStatus;
import dev.livesync.sync.FakeClock;
import dev.livesync.testing.FreePort;
import dev.livesync.testing.PrometheusServer;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A target that goes down while idle fails only its looks (no transfer runs: nothing is queued), so
 * {@code livesync_retries_total} and {@code livesync_rsync_runs_total} stayed still while
 * {@code livesync status} counted the failures. {@code livesync_target_failures_total} counts them as
 * the status does, on a real scrape, checked by promtool.
 */
class TargetFailuresMetricTest {
  static final String URL = "rsync://backup@127.0.0.1:873/nfsbackup";

  /** A target with nothing queued, and {@code failures} failed looks, as the status shows an idle target that does not answer. */
  static EngineStatus idle(String state, long failures) {
    var t = new EngineStatus.Target(URL, state, 0, 0, 0, 0, 0, 0, 0, failures,
        failures == 0 ? "" : "rsync to " + URL + " failed (error in socket I/O): connection refused", 0, 0, 0, 0, failures == 0 ? -1 : 10,
        failures == 0 ? "" : "error in socket I/O");
    return new EngineStatus("data", "/data", "running", 10, 8192, 0, 0, 0, List.of(t), 0);
  }

  @Test
  void failedLooksAtAnIdleTargetAreCounted() throws Exception {
    var syncs = new AtomicReference<>(List.of(idle("ok", 0)));
    var monitor = new Monitor(() -> StatusDocument.of(0, syncs.get()), new FakeClock(), null);
    try (var web = WebServer.start(WebServerTest.at(FreePort.find()), monitor.registry(), monitor.routes())) {
      monitor.tick();
      String key = "livesync_target_failures_total{sync=\"data\",target=\"" + URL + "\"} ";
      assertThat(MetricsEndToEndTest.get(web.port(), "/metrics", null).body()).contains(key + "0.0");

      syncs.set(List.of(idle("retrying", 3)));
      monitor.tick();
      String exposition = MetricsEndToEndTest.get(web.port(), "/metrics", null).body();
      assertThat(exposition).contains(key + "3.0").contains("livesync_target_up{sync=\"data\",target=\"" + URL + "\"} 0.0");
      assertThat(exposition).as("no transfer ran: these stay still").contains("livesync_retries_total{sync=\"data\",target=\"" + URL + "\"} 0.0");
      var check = PrometheusServer.promtool(List.of("check", "metrics"), exposition);
      assertThat(check.output()).as("promtool check metrics").isEmpty();
      assertThat(check.exit()).isZero();
    } finally {
      monitor.close();
    }
  }
}
