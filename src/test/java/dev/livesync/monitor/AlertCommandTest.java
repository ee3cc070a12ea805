package dev.livesync.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.livesync.ops.status.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The operator's alert command as a real {@code sh -c}: the alert as JSON on stdin and in its environment, in order. */
class AlertCommandTest {
  @TempDir Path dir;

  @Test
  void eachAlertReachesTheCommandInOrderOnStdinAndInItsEnvironment() throws Exception {
    Path out = dir.resolve("alerts");
    try (var cmd = new AlertCommand("cat >> '" + out + "'; echo \"$LIVESYNC_ALERT_STATUS $LIVESYNC_ALERT_CONDITION"
        + " $LIVESYNC_ALERT_SYNC $LIVESYNC_ALERT_TARGET|$LIVESYNC_ALERT_SUMMARY\" >> '" + out + ".env'; exit 1")) {
      cmd.send(alert("firing", "target_down", "t1", "t1 is down"));
      cmd.send(alert("resolved", "target_down", null, "t1 is back"));
    }
    List<String> json = Files.readAllLines(out);
    assertThat(json).hasSize(2);
    JsonNode first = Json.read(json.get(0), "alert");
    assertThat(first.path("status").asText()).isEqualTo("firing");
    assertThat(first.path("summary").asText()).isEqualTo("t1 is down");
    assertThat(Files.readAllLines(dir.resolve("alerts.env")))
        .containsExactly("firing target_down default t1|t1 is down", "resolved target_down default |t1 is back");
  }

  /** A resolution's summary begins "resolved: ": the log said "alert resolved: resolved: ...". */
  @Test
  void theLogSaysAResolutionOnce() throws Exception {
    try (var log = new dev.livesync.testing.LogCapture()) {
      try (var cmd = new AlertCommand("true")) {
        cmd.send(alert("resolved", "target_down", "t1", "resolved: target t1 of sync default works again (75 s after it began)"));
      }
      assertThat(log.text()).contains("alert resolved: target t1 of sync default works again").doesNotContain("resolved: resolved");
    }
  }

  private static Alerts.Alert alert(String status, String condition, String target, String summary) {
    return new Alerts.Alert(status, condition, "default", target, summary, "2026-12-03T08:00:00Z", "2026-12-03T08:00:01Z", 1.0, "host");
  }
}
