package dev.livesync.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.livesync.testing.Await;
import dev.livesync.testing.ProcSysLock;
import dev.livesync.testing.ProcSysLowered;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Limits hit for real: each test lowers a /proc/sys value as root, holding {@link ProcSysLock} (other
 * tests that lower or depend on those values take it too), and restores it in finally.
 */
class KernelLimitsTest {
  @TempDir Path tmp;

  private static boolean root() {
    return "root".equals(System.getProperty("user.name"));
  }

  @Test
  void readsTheWholeValueAsSysctlDoes() throws Exception {
    for (String name : new String[] {KernelLimits.MAX_USER_WATCHES, KernelLimits.MAX_QUEUED_EVENTS, KernelLimits.MAX_USER_INSTANCES}) {
      Process p = new ProcessBuilder("cat", "/proc/sys/fs/inotify/" + name).start();
      long expected = Long.parseLong(new String(p.getInputStream().readAllBytes()).trim());
      assertThat(KernelLimits.read(name)).as(name).isEqualTo(expected);
    }
  }

  @Test
  void watchLimitGivesAnErrorNamingTheLimitAndHowToRaiseIt() throws Exception {
    assumeTrue(root(), "needs root to lower fs.inotify.max_user_watches");
    for (int i = 0; i < 20; i++) Files.createDirectories(tmp.resolve("d" + i));
    long saved;
    try (TreeWatcher w = TreeWatcher.builder().recursive(true).build();
        var low = ProcSysLowered.to(KernelLimits.MAX_USER_WATCHES, 1)) {
      saved = low.saved();
      // Whether the root or one of the 20 subdirectories is the one refused depends on the watches other
      // processes of this user hold; either way the error must name the limit.
      assertThatThrownBy(() -> w.watch(Bytes.of(tmp.toString())))
          .isInstanceOf(NativeException.class)
          .hasMessageContaining("max_user_watches = 1")
          .hasMessageContaining("/proc/sys/fs/inotify/max_user_watches")
          .hasMessageContaining("livesync doctor --fix");
    }
    assertThat(KernelLimits.maxUserWatches()).isEqualTo(saved);
  }

  @Test
  void watchErrorsBelowTheRootCanBeSkippedByTheHandler() throws Exception {
    assumeTrue(root(), "needs root to lower fs.inotify.max_user_watches");
    for (int i = 0; i < 5; i++) Files.createDirectories(tmp.resolve("d" + i));
    List<NativeException> errors = new ArrayList<>();
    try (TreeWatcher w = TreeWatcher.builder().recursive(true).onWatchError((dir, e) -> errors.add(e)).build()) {
      w.watch(Bytes.of(tmp.toString())); // root and all five fit
      Files.createDirectories(tmp.resolve("late"));
      try (var low = ProcSysLowered.to(KernelLimits.MAX_USER_WATCHES, 1)) {
        Await.until("a watch error", Duration.ofSeconds(10), () -> {
          w.poll(100, e -> {});
          return !errors.isEmpty();
        }, () -> errors);
      }
      assertThat(errors).singleElement().satisfies(e -> {
        assertThat(e.errno()).isEqualTo(Errno.ENOSPC);
        assertThat(Bytes.display(e.path())).isEqualTo(tmp + "/late");
      });
      assertThat(w.watchCount()).isEqualTo(6);
    }
  }

  @Test
  void queueOverflowArrivesAsAnEventOfItsOwn() throws Exception {
    assumeTrue(root(), "needs root to lower fs.inotify.max_queued_events");
    TreeWatcher w;
    long saved;
    try (var low = ProcSysLowered.to(KernelLimits.MAX_QUEUED_EVENTS, 16)) {
      saved = low.saved();
      w = TreeWatcher.builder().recursive(true).build(); // the limit is read once, when the instance is made
    }
    try (w) {
      w.watch(Bytes.of(tmp.toString()));
      for (int i = 0; i < 100; i++) Files.writeString(tmp.resolve("f" + i), "x");
      List<WatchEvent> seen = new ArrayList<>();
      while (w.poll(200, seen::add)) {}
      assertThat(seen).anyMatch(WatchEvent::isOverflow);
      assertThat(seen.stream().filter(WatchEvent::isOverflow).findFirst().orElseThrow().wd()).isEqualTo(-1);
    }
    assertThat(KernelLimits.maxQueuedEvents()).isEqualTo(saved);
  }

  @Test
  void aValueLeftLoweredByAKilledTestIsRestoredByTheNext() throws Exception {
    assumeTrue(root(), "needs root to lower fs.inotify.max_queued_events");
    long machine;
    try (ProcSysLock lock = ProcSysLock.acquire()) {
      machine = KernelLimits.maxQueuedEvents();
      // what a JVM killed between lowering and restoring leaves behind
      Files.writeString(ProcSysLowered.SAVED, KernelLimits.MAX_QUEUED_EVENTS + " " + machine + "\n");
      KernelLimits.write(KernelLimits.MAX_QUEUED_EVENTS, 7);
    }
    try (var low = ProcSysLowered.to(KernelLimits.MAX_USER_WATCHES, KernelLimits.maxUserWatches())) {
      assertThat(KernelLimits.maxQueuedEvents()).as("repaired before anything else").isEqualTo(machine);
    } finally {
      if (KernelLimits.maxQueuedEvents() == 7) KernelLimits.write(KernelLimits.MAX_QUEUED_EVENTS, machine);
    }
    assertThat(Files.exists(ProcSysLowered.SAVED)).isFalse();
  }
}
