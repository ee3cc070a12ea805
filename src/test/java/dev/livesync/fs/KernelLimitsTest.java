package dev.livesync.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.livesync.testing.ProcSysLock;
import java.nio.file.Files;
import java.nio.file.Path;
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
    try (ProcSysLock lock = ProcSysLock.acquire()) {
      long saved = KernelLimits.maxUserWatches();
      lowerWatchesAndExpectTheLimitMessage(saved);
      assertThat(KernelLimits.maxUserWatches()).isEqualTo(saved);
    }
  }

  private void lowerWatchesAndExpectTheLimitMessage(long saved) throws Exception {
    try (TreeWatcher w = TreeWatcher.builder().recursive(true).build()) {
      // Whether the root or one of the 20 subdirectories is the one refused depends on the watches other
      // processes of this user hold; either way the error must name the limit.
      KernelLimits.write(KernelLimits.MAX_USER_WATCHES, 1);
      assertThatThrownBy(() -> w.watch(Bytes.of(tmp.toString())))
          .isInstanceOf(NativeException.class)
          .hasMessageContaining("max_user_watches = 1")
          .hasMessageContaining("/proc/sys/fs/inotify/max_user_watches")
          .hasMessageContaining("livesync doctor --fix");
    } finally {
      KernelLimits.write(KernelLimits.MAX_USER_WATCHES, saved);
    }
  }

  @Test
  void watchErrorsBelowTheRootCanBeSkippedByTheHandler() throws Exception {
    assumeTrue(root(), "needs root to lower fs.inotify.max_user_watches");
    for (int i = 0; i < 5; i++) Files.createDirectories(tmp.resolve("d" + i));
    try (ProcSysLock lock = ProcSysLock.acquire()) {
      lateDirectoryOverTheLimitGoesToTheHandler();
    }
  }

  private void lateDirectoryOverTheLimitGoesToTheHandler() throws Exception {
    long saved = KernelLimits.maxUserWatches();
    List<NativeException> errors = new ArrayList<>();
    try (TreeWatcher w = TreeWatcher.builder().recursive(true).onWatchError((dir, e) -> errors.add(e)).build()) {
      w.watch(Bytes.of(tmp.toString())); // root and all five fit
      Files.createDirectories(tmp.resolve("late"));
      KernelLimits.write(KernelLimits.MAX_USER_WATCHES, 1);
      try {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (errors.isEmpty() && System.nanoTime() < deadline) w.poll(100, e -> {});
      } finally {
        KernelLimits.write(KernelLimits.MAX_USER_WATCHES, saved);
      }
      assertThat(errors).singleElement().satisfies(e -> {
        assertThat(e.errno()).isEqualTo(Errno.ENOSPC);
        assertThat(Bytes.display(e.path())).isEqualTo(tmp + "/late");
      });
      assertThat(w.watchCount()).isEqualTo(6);
    } finally {
      KernelLimits.write(KernelLimits.MAX_USER_WATCHES, saved);
    }
  }

  @Test
  void queueOverflowArrivesAsAnEventOfItsOwn() throws Exception {
    assumeTrue(root(), "needs root to lower fs.inotify.max_queued_events");
    try (ProcSysLock lock = ProcSysLock.acquire()) {
      smallQueueOverflows();
    }
  }

  private void smallQueueOverflows() throws Exception {
    long saved = KernelLimits.maxQueuedEvents();
    TreeWatcher w;
    try {
      KernelLimits.write(KernelLimits.MAX_QUEUED_EVENTS, 16); // read once, when the instance is made
      w = TreeWatcher.builder().recursive(true).build();
    } finally {
      KernelLimits.write(KernelLimits.MAX_QUEUED_EVENTS, saved);
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
}
