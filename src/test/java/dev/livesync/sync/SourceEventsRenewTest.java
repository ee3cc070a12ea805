package dev.livesync.sync;

import static dev.livesync.testing.Trees.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.livesync.fs.Errno;
import dev.livesync.fs.Inotify;
import dev.livesync.fs.KernelLimits;
import dev.livesync.fs.NativeException;
import dev.livesync.fs.WatchProgress;
import dev.livesync.testing.ProcStat;
import dev.livesync.testing.ProcSysLowered;
import dev.livesync.testing.Trees;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The watch set up anew (after an overflow) at fs.inotify.max_user_instances, on the real kernel:
 * the old instance is given back before the new one is asked for, and an instance held elsewhere
 * for a moment (a child being spawned holds a copy of the descriptor table until its exec) delays
 * the new one instead of stopping the sync; a limit that stays reached still stops it. The limit is
 * lowered below the instances open, with one more held by the test (what the moment's child holds).
 */
@Timeout(60)
class SourceEventsRenewTest {
  private final byte[] src = Trees.tempDir("renew-src");
  private final byte[] state = Trees.tempDir("renew-state");

  @AfterEach
  void tearDown() {
    Trees.delete(src);
    Trees.delete(state);
  }

  private SourceEvents watching() {
    var settings = EngineSettings.builder("renew", src).stateDir(Trees.path(state)).watcher("inotify").build();
    var events = new SourceEvents(settings, dev.livesync.fs.Bytes.withSlash(src), new Coalescer(new FakeClock(), 5_000_000_000L, p -> false));
    events.open(new WatchProgress());
    return events;
  }

  private static boolean root() {
    return "root".equals(System.getProperty("user.name"));
  }

  @Test
  void anInstanceHeldElsewhereForAMomentDelaysTheNewWatchAndNoMore() throws Exception {
    assumeTrue(root(), "needs root to lower fs.inotify.max_user_instances");
    try (SourceEvents events = watching()) {
      Inotify held = Inotify.open();
      long[] releasedAt = {0};
      long returnedAt;
      try (var noSpare = ProcSysLowered.to(KernelLimits.MAX_USER_INSTANCES, ProcStat.inotifyInstances() - 1)) {
        Thread releaser = Thread.ofPlatform().start(() -> {
          try {
            Thread.sleep(300);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          releasedAt[0] = System.nanoTime();
          held.close();
        });
        try {
          events.rewatch();
          returnedAt = System.nanoTime();
        } finally {
          releaser.join();
        }
      }
      assertThat(returnedAt).as("the new watch came once the held instance was gone").isGreaterThan(releasedAt[0]);
      Trees.write(at(src, "after-the-rewatch"), "seen by the new watch");
      assertThat(events.poll(10_000)).as("the new instance reports").isTrue();
    }
  }

  @Test
  void aLimitThatStaysReachedStillStopsIt() throws Exception {
    assumeTrue(root(), "needs root to lower fs.inotify.max_user_instances");
    try (SourceEvents events = watching(); Inotify held = Inotify.open()) {
      // 0, not the count less one: another process closing two instances in the window left room (CI, once)
      try (var noSpare = ProcSysLowered.to(KernelLimits.MAX_USER_INSTANCES, 0)) {
        assertThatThrownBy(events::rewatch).isInstanceOfSatisfying(NativeException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EMFILE));
      }
    }
  }
}
