package dev.livesync.monitor;

import static dev.livesync.testing.Await.CONVERGE;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.livesync.ops.status.Json;
import dev.livesync.testing.Await;
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
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A sync whose source is replaced under it ({@code mv src src.old; mkdir src}) has failed: the real
 * {@code run --http} process says so on {@code /api/status}, in {@code livesync_sync_up} (checked by
 * promtool), on the status page in a real browser (chromium), and to {@code --alert-exec}.
 */
class FailedSyncTest {
  private final Path dir = TempFiles.dir("failed-sync");

  @AfterEach
  void cleanUp() {
    TempFiles.deleteTree(dir);
  }

  /** The value of {@code livesync_sync_up{sync="www"}} in an exposition; NaN when absent. */
  static double syncUp(String exposition) {
    Matcher m = Pattern.compile("(?m)^livesync_sync_up\\{sync=\"www\"} (\\S+)$").matcher(exposition);
    return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
  }

  @Test
  void aSyncWhoseSourceWasReplacedShowsAsFailedOnThePageTheApiTheMetricsAndAnAlert() throws Exception {
    Path src = Files.createDirectories(dir.resolve("src")), dst = dir.resolve("dst");
    Files.writeString(src.resolve("old"), "in the original source");
    Path alerts = dir.resolve("alerts.jsonl");
    int port = FreePort.find();
    ChromeDriver driver = null;
    try (var run = LivesyncProcess.start(List.of("run", src.toString(), dst.toString(), "--name", "www", "--state-dir", dir.resolve("state").toString(),
        "--status-socket", dir.resolve("status.sock").toString(), "--http", "127.0.0.1:" + port, "--alert-exec", "cat >> '" + alerts + "'"))) {
      run.awaitOutput("running:", CONVERGE);
      assertThat(syncUp(MetricsEndToEndTest.get(port, "/metrics", null).body())).isEqualTo(1);

      Files.move(src, dir.resolve("src.old"));
      Files.createDirectories(src);
      Files.writeString(src.resolve("new"), "n");
      run.awaitOutput("is no longer the directory livesync started on", CONVERGE);

      JsonNode sync = Json.read(MetricsEndToEndTest.get(port, "/api/status", null).body(), "/api/status").path("syncs").get(0);
      assertThat(sync.path("state").asText()).isEqualTo("failed");
      assertThat(sync.path("problem").asText()).contains("source " + src + " is no longer the directory livesync started on");

      String exposition = MetricsEndToEndTest.get(port, "/metrics", null).body();
      assertThat(syncUp(exposition)).as(exposition).isZero();
      var check = PrometheusServer.promtool(List.of("check", "metrics"), exposition);
      assertThat(check.output()).as("promtool check metrics").isEmpty();
      assertThat(check.exit()).isZero();

      driver = StatusPageBrowserTest.chromium(dir.resolve("chromium-profile"));
      driver.get("http://127.0.0.1:" + port + "/");
      var section = By.cssSelector(".sync[data-sync='www']");
      String problem = new WebDriverWait(driver, CONVERGE, Duration.ofMillis(200))
          .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
          .ignoring(org.openqa.selenium.NoSuchElementException.class)
          .until(d -> d.findElement(section).findElement(By.cssSelector(".sync-state")).getAttribute("data-state").equals("failed")
              ? d.findElement(section).findElement(By.cssSelector(".sync-problem")).getText() : null);
      assertThat(problem).contains("sync www has failed").contains("is no longer the directory livesync started on");
      assertThat(driver.findElement(By.id("title")).getText()).isEqualTo("livesync — a sync has failed");
      assertThat(driver.getTitle()).startsWith("FAILED");

      Await.until("sync_failed in the alerts file", CONVERGE, () -> TempFiles.readOrEmpty(alerts).contains("sync_failed"), () -> TempFiles.readOrEmpty(alerts));
      assertThat(Files.exists(alerts) ? Files.readString(alerts) : "").contains("\"sync_failed\"").contains("sync www has failed: source " + src);
      assertThat(dst.resolve("new")).doesNotExist();
    } finally {
      if (driver != null) driver.quit();
    }
  }
}
