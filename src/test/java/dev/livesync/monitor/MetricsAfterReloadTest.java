package dev.livesync.monitor;

import static dev.livesync.testing.Await.CONVERGE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.testing.Await;
import dev.livesync.testing.FreePort;
import dev.livesync.testing.LivesyncProcess;
import dev.livesync.testing.TempFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two [[sync]] sections, each with its own series on /metrics; a reload (SIGHUP) that removes one
 * takes all of its series away, counters and histograms too: they stood still until the process
 * ended, so a dashboard kept showing a sync that no longer ran.
 */
class MetricsAfterReloadTest {
  private final Path dir = TempFiles.dir("metrics-reload");

  @AfterEach
  void cleanUp() {
    TempFiles.deleteTree(dir);
  }

  private String config(int port, String... names) {
    StringBuilder b = new StringBuilder("state_dir = \"" + dir.resolve("state") + "\"\n[http]\nlisten = \"127.0.0.1:" + port + "\"\n");
    for (String n : names) {
      b.append("[[sync]]\nname = \"").append(n).append("\"\nsource = \"").append(dir.resolve("src-" + n)).append("\"\n  [[sync.target]]\n  url = \"")
          .append(dir.resolve("dst-" + n)).append("\"\n");
    }
    return b.toString();
  }

  private static List<String> series(int port, String sync) throws Exception {
    return MetricsEndToEndTest.get(port, "/metrics", null).body().lines().filter(l -> !l.startsWith("#") && l.contains("sync=\"" + sync + "\""))
        .toList();
  }

  @Test
  void aSyncRemovedByAReloadTakesItsSeriesAway() throws Exception {
    for (String n : List.of("a", "b")) {
      Files.createDirectories(dir.resolve("src-" + n));
      Files.writeString(dir.resolve("src-" + n).resolve("file.txt"), "in " + n + "\n");
    }
    int port = FreePort.find();
    Path cfg = Files.writeString(dir.resolve("livesync.toml"), config(port, "a", "b"));
    try (var run = LivesyncProcess.start(List.of("run", "--config", cfg.toString(), "--status-socket", dir.resolve("status.sock").toString()))) {
      run.awaitOutput("running:", CONVERGE);
      for (String n : List.of("a", "b")) {
        Await.value("sync " + n + "'s file counted", CONVERGE, () -> series(port, n),
            l -> l.contains("livesync_transferred_files_total{sync=\"" + n + "\",target=\"" + dir.resolve("dst-" + n) + "\"} 1.0"));
      }

      Files.writeString(cfg, config(port, "a"));
      run.signal("HUP");
      run.awaitOutput("sync 'b': removed from the config", CONVERGE);
      try {
        Await.value("sync b's series gone", CONVERGE, () -> series(port, "b"), List::isEmpty);
      } catch (AssertionError e) {
        throw new AssertionError(e.getMessage() + "\nlivesync said:\n" + run.output(), e);
      }
      assertThat(series(port, "a")).as("sync a keeps its series")
          .contains("livesync_transferred_files_total{sync=\"a\",target=\"" + dir.resolve("dst-a") + "\"} 1.0")
          .anyMatch(l -> l.startsWith("livesync_sync_up{sync=\"a\"} 1.0"));
    }
  }
}
