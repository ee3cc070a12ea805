package dev.livesync.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.ops.status.StatusDocument;
import dev.livesync.sync.FakeClock;
import dev.livesync.testing.FreePort;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What a scrape says each per-sync series is, for a sync watched with fanotify too: its overflows
 * (fs.fanotify.max_queued_events) and its marks were described as inotify's alone.
 */
class MetricHelpTest {
  @Test
  void theWatcherSeriesSayWhatTheyCountUnderFanotifyToo() throws Exception {
    var monitor = new Monitor(() -> StatusDocument.of(0, List.of(TargetFailuresMetricTest.idle("ok", 0))), new FakeClock(), null);
    try (var web = WebServer.start(WebServerTest.at(FreePort.find()), monitor.registry(), monitor.routes())) {
      List<String> help = MetricsEndToEndTest.get(web.port(), "/metrics", null).body().lines().filter(l -> l.startsWith("# HELP ")).toList();
      assertThat(help).anyMatch(l -> l.startsWith("# HELP livesync_queue_overflows_total ") && l.contains("fanotify"));
      assertThat(help).anyMatch(l -> l.startsWith("# HELP livesync_watches ") && l.contains("fanotify: its marks"));
    } finally {
      monitor.close();
    }
  }
}
