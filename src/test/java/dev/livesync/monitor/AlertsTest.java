package dev.livesync.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.livesync.ops.status.Json;
import dev.livesync.ops.status.StatusDocument;
import dev.livesync.sync.EngineStatus;
import dev.livesync.sync.FakeClock;
import dev.livesync.testing.TempFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Alert conditions, their timing and the once-a-minute rule, on a fake clock. */
class AlertsTest {
  private final FakeClock clock = new FakeClock();
  private final AtomicReference<List<EngineStatus>> syncs = new AtomicReference<>(List.of(sync(0, target("ok", 0))));
  private final List<String> told = new ArrayList<>(); // "second status condition"
  private final List<String> summaries = new ArrayList<>();
  private long start;

  private Monitor monitor(AlertSettings settings) {
    start = clock.nanos();
    return new Monitor(() -> StatusDocument.of(0, syncs.get()), clock, settings,
        a -> {
          told.add((clock.nanos() - start) / 1_000_000_000L + " " + a.status() + " " + a.condition());
          summaries.add(a.summary());
        });
  }

  /** Ticks once a second for {@code seconds}. */
  private void run(Monitor m, int seconds) {
    for (int i = 0; i < seconds; i++) {
      clock.advanceMillis(1000);
      m.tick();
    }
  }

  static EngineStatus.Target target(String state, long lagMillis) {
    return new EngineStatus.Target("rsync://backup@127.0.0.1:873/nfsbackup", state, 0, 0, 0, 0, lagMillis, 0, 0,
        state.equals("ok") ? 0 : 3, state.equals("ok") ? "" : "rsync to rsync://backup@127.0.0.1:873/nfsbackup failed (error in socket I/O): connection refused",
        0, 0, 0, 0, state.equals("ok") ? -1 : 10, state.equals("ok") ? "" : "error in socket I/O");
  }

  static EngineStatus sync(long unwatched, EngineStatus.Target... targets) {
    return new EngineStatus("data", "/data", "running", 10, 8192, 0, 0, unwatched, List.of(targets), 0);
  }

  @Test
  void aTargetDownLongerThanAfterFiresOnceAndIsResolvedOnceAMinuteAfter() {
    try (Monitor m = monitor(AlertSettings.of("true", Duration.ofSeconds(60), Duration.ofSeconds(30), false))) {
      run(m, 5);
      syncs.set(List.of(sync(0, target("retrying", 0))));
      run(m, 60); // first seen failing at 6 s
      assertThat(told).isEmpty(); // failing 59 s: not yet
      run(m, 1);
      assertThat(told).containsExactly("66 firing target_down");
      run(m, 20);
      syncs.set(List.of(sync(0, target("ok", 0))));
      run(m, 10); // back at 87 s: the resolved notice waits for the minute since the firing one
      assertThat(told).containsExactly("66 firing target_down");
      run(m, 30);
      assertThat(told).containsExactly("66 firing target_down", "126 resolved target_down");
    }
  }

  /**
   * The target came back within the minute after target_down fired, and livesync stopped before the
   * minute was over: the resolution was dropped, and the receiver kept a firing alert for good. It is
   * sent as the monitor closes; a target still down at the stop stays firing (nothing is resolved by
   * the syncs leaving the status as they stop).
   */
  @Test
  void aResolutionHeldBackByTheMinuteRuleIsSentWhenLivesyncStops() {
    var two = new EngineStatus("data", "/data", "running", 10, 8192, 0, 0, 0, List.of(target("retrying", 0), other("retrying")), 0);
    syncs.set(List.of(two));
    Monitor m = monitor(AlertSettings.of("true", Duration.ofSeconds(60), Duration.ofSeconds(30), false));
    run(m, 61);
    assertThat(told).containsExactly("61 firing target_down", "61 firing target_down");
    syncs.set(List.of(new EngineStatus("data", "/data", "running", 10, 8192, 0, 0, 0, List.of(target("ok", 0), other("retrying")), 0)));
    run(m, 10);
    assertThat(told).as("the resolution waits for the minute").hasSize(2);
    m.stopping();
    syncs.set(List.of()); // the syncs stopped
    run(m, 2);
    m.close();
    assertThat(told).containsExactly("61 firing target_down", "61 firing target_down", "73 resolved target_down");
  }

  static EngineStatus.Target other(String state) {
    var t = target(state, 0);
    return new EngineStatus.Target("rsync://backup@127.0.0.2:873/other", t.state(), 0, 0, 0, 0, 0, 0, 0, t.failures(), t.lastError(), 0, 0, 0, 0,
        t.lastExitCode(), t.lastExitMeaning(), 0, "");
  }

  /**
   * Two targets down, then both gone from the config (a reload): each is resolved after the minute,
   * and forgotten a minute after that — both in one tick, which threw ConcurrentModificationException
   * (the map was changed while it was being iterated) and logged a warning every tick.
   */
  @Test
  void targetsThatLeaveTheConfigAreResolvedAndForgottenWithoutError() {
    var two = new EngineStatus("data", "/data", "running", 10, 8192, 0, 0, 0, List.of(target("retrying", 0), other("retrying")), 0);
    syncs.set(List.of(two));
    try (Monitor m = monitor(AlertSettings.of("true", Duration.ofSeconds(60), Duration.ofSeconds(30), false))) {
      run(m, 61);
      syncs.set(List.of(sync(0))); // reloaded without them
      run(m, 200);
      assertThat(told).containsExactly("61 firing target_down", "61 firing target_down", "121 resolved target_down", "121 resolved target_down");
      // they did not come back: they were removed, and the resolution says so
      assertThat(summaries.subList(2, 4)).containsExactly(
          "resolved: target rsync://backup@127.0.0.1:873/nfsbackup of sync data was removed from the configuration (120 s after it began)",
          "resolved: target rsync://backup@127.0.0.2:873/other of sync data was removed from the configuration (120 s after it began)");

      // a whole sync removed, with its target down and its watches short
      told.clear();
      summaries.clear();
      syncs.set(List.of(sync(3, target("retrying", 0))));
      run(m, 61);
      assertThat(told).containsExactlyInAnyOrder("262 firing watches", "322 firing target_down");
      syncs.set(List.of()); // reloaded without the sync
      run(m, 120);
      assertThat(told).containsExactlyInAnyOrder("262 firing watches", "322 firing target_down", "323 resolved watches", "382 resolved target_down");
      assertThat(summaries).contains("resolved: sync data was removed from the configuration (61 s after it began)",
          "resolved: sync data was removed from the configuration (120 s after it began)");

      // a target that is only down (still configured) works again, as before
      told.clear();
      summaries.clear();
      syncs.set(List.of(sync(0, target("retrying", 0))));
      run(m, 61);
      syncs.set(List.of(sync(0, target("ok", 0))));
      run(m, 60);
      assertThat(summaries).containsExactly(summaries.get(0),
          "resolved: target rsync://backup@127.0.0.1:873/nfsbackup of sync data works again (120 s after it began)");
    }
  }

  static EngineStatus.Target holding(long held) {
    var t = target("ok", 0);
    return new EngineStatus.Target(t.target(), t.state(), 0, 0, 0, 0, 0, 0, 0, 0, "", 0, 0, 0, 0, -1, "", held, "");
  }

  @Test
  void heldDeletionsFireAtOnceAndAreResolvedWhenReleased() {
    try (Monitor m = monitor(AlertSettings.of("true", Duration.ofSeconds(60), Duration.ofSeconds(30), false))) {
      run(m, 5);
      syncs.set(List.of(sync(0, holding(560))));
      run(m, 1);
      assertThat(told).containsExactly("6 firing deletions_held");
      syncs.set(List.of(sync(0, holding(0))));
      run(m, 70);
      assertThat(told).containsExactly("6 firing deletions_held", "66 resolved deletions_held");
    }
  }

  static EngineStatus.Target warned(String warning) {
    var t = target("ok", 0);
    return new EngineStatus.Target(t.target(), t.state(), 0, 0, 0, 0, 0, 0, 0, 0, "", 0, 0, 0, 0, -1, "", 0, warning);
  }

  @Test
  void aTargetsWarningFiresAtOnceAndIsResolvedWhenItClears() {
    try (Monitor m = monitor(AlertSettings.of("true", Duration.ofSeconds(60), Duration.ofSeconds(30), false))) {
      run(m, 5);
      syncs.set(List.of(sync(0, warned("every rsync run waits 0.78 s for the remote login shell's startup files (see 'livesync doctor')"))));
      run(m, 1);
      assertThat(told).containsExactly("6 firing target_warning");
      syncs.set(List.of(sync(0, warned(""))));
      run(m, 70);
      assertThat(told).containsExactly("6 firing target_warning", "66 resolved target_warning");
    }
  }

  @Test
  void aFlappingTargetIsToldAtMostOncePerMinute() {
    try (Monitor m = monitor(AlertSettings.of("true", Duration.ZERO, Duration.ofSeconds(30), false))) {
      for (int i = 0; i < 40; i++) { // down 2 s, up 2 s, for 160 s
        syncs.set(List.of(sync(0, target("retrying", 0))));
        run(m, 2);
        syncs.set(List.of(sync(0, target("ok", 0))));
        run(m, 2);
      }
      assertThat(told).hasSizeBetween(2, 3);
      for (int i = 1; i < told.size(); i++) {
        long a = Long.parseLong(told.get(i - 1).split(" ")[0]), b = Long.parseLong(told.get(i).split(" ")[0]);
        assertThat(b - a).isGreaterThanOrEqualTo(60);
        assertThat(told.get(i).split(" ")[1]).isNotEqualTo(told.get(i - 1).split(" ")[1]); // firing and resolved alternate
      }
      run(m, 61); // it ends up: the last word is resolved
      assertThat(told.getLast()).endsWith("resolved target_down");
    }
  }

  @Test
  void lagAboveTheLimitForAMinuteFiresAndShortSpikesDoNot() {
    try (Monitor m = monitor(AlertSettings.of("true", null, Duration.ofSeconds(30), false))) {
      syncs.set(List.of(sync(0, target("ok", 45_000))));
      run(m, 30);
      syncs.set(List.of(sync(0, target("ok", 100))));
      run(m, 5);
      assertThat(told).isEmpty(); // 30 s above: a spike
      syncs.set(List.of(sync(0, target("ok", 31_000))));
      run(m, 61);
      assertThat(told).containsExactly("96 firing lag"); // above from 36 s on
      syncs.set(List.of(sync(0, target("ok", 0))));
      run(m, 60);
      assertThat(told).containsExactly("96 firing lag", "156 resolved lag");
    }
  }

  @Test
  void unwatchedDirectoriesFireAtOnce() {
    try (Monitor m = monitor(AlertSettings.of("true", null, null, false))) {
      syncs.set(List.of(sync(3, target("ok", 0))));
      run(m, 1);
      assertThat(told).containsExactly("1 firing watches");
    }
  }

  @Test
  void theCommandGetsTheAlertAsJsonOnStdinAndInItsEnvironment() throws Exception {
    Path dir = TempFiles.dir("alerts");
    try {
      Path out = dir.resolve("alerts.jsonl");
      var settings = AlertSettings.of("cat >> " + out + "; echo \"$LIVESYNC_ALERT_STATUS $LIVESYNC_ALERT_CONDITION\" >> " + dir.resolve("env"),
          Duration.ofSeconds(10), null, false);
      try (Monitor m = new Monitor(() -> StatusDocument.of(0, syncs.get()), clock, settings)) {
        syncs.set(List.of(sync(0, target("retrying", 0))));
        run(m, 11);
        syncs.set(List.of(sync(0, target("ok", 0))));
        run(m, 60);
      } // close waits for the commands
      List<String> lines = Files.readAllLines(out);
      assertThat(lines).hasSize(2);
      JsonNode firing = Json.read(lines.get(0), "alert");
      assertThat(firing.path("status").asText()).isEqualTo("firing");
      assertThat(firing.path("condition").asText()).isEqualTo("target_down");
      assertThat(firing.path("sync").asText()).isEqualTo("data");
      assertThat(firing.path("target").asText()).isEqualTo("rsync://backup@127.0.0.1:873/nfsbackup");
      assertThat(firing.path("summary").asText()).contains("retrying", "rsync exit 10: error in socket I/O", "connection refused");
      assertThat(firing.path("since").asText()).isNotEmpty();
      assertThat(Json.read(lines.get(1), "alert").path("status").asText()).isEqualTo("resolved");
      assertThat(Files.readAllLines(dir.resolve("env"))).containsExactly("firing target_down", "resolved target_down");
    } finally {
      TempFiles.deleteTree(dir);
    }
  }
}
