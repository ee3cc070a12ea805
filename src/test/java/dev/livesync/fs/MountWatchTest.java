package dev.livesync.fs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.testing.Await;
import dev.livesync.testing.Processes;
import dev.livesync.testing.Trees;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Mounts below a directory, told from /proc/self/mountinfo's POLLPRI, and the inotify watcher's rescan of a mount point. Real mounts: root only. */
class MountWatchTest {
  byte[] dir;
  byte[] beside;
  byte[] outside;
  final List<String> mounted = new ArrayList<>();
  final LinkedBlockingQueue<List<MountWatch.Change>> told = new LinkedBlockingQueue<>();

  @BeforeEach
  void dirs() {
    Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "mounting needs root");
    dir = Trees.tempDir("mountwatch");
    beside = Bytes.of(Trees.path(dir) + "-beside");
    outside = Trees.tempDir("mountwatch-outside");
  }

  @AfterEach
  void cleanUp() {
    for (int i = mounted.size() - 1; i >= 0; i--) {
      try {
        Processes.run(List.of("umount", "-l", mounted.get(i)));
      } catch (RuntimeException notMounted) {
        // unmounted by the test
      }
    }
    for (byte[] d : new byte[][] {dir, beside, outside}) if (d != null) Trees.delete(d);
  }

  private String mount(String... args) {
    String on = args[args.length - 1];
    Trees.mkdirs(Bytes.of(on));
    mounted.add(on);
    List<String> cmd = new ArrayList<>(List.of("mount"));
    cmd.addAll(Arrays.asList(args));
    Processes.run(cmd);
    return on;
  }

  private String tmpfs(String on) {
    return mount("-t", "tmpfs", "-o", "size=1m", "mountwatch-test", on);
  }

  private void umount(String on) {
    Processes.run(List.of("umount", on));
  }

  private List<MountWatch.Change> next() throws InterruptedException {
    List<MountWatch.Change> c = told.poll(10, TimeUnit.SECONDS);
    assertThat(c).as("a change told").isNotNull();
    return c;
  }

  @Test
  void mountsBelowAreToldTopmostFirstAndMountsElsewhereNot() throws Exception {
    String d = Trees.path(dir).toString();
    try (MountWatch w = MountWatch.below(dir, told::add)) {
      assertThat(w.now()).isEmpty();
      tmpfs(Trees.path(beside) + "/m"); // a name that starts like the directory's
      tmpfs(d); // on the directory itself: it is another directory then, not a mount below it
      umount(d);
      tmpfs(d + "/a");
      assertThat(next()).singleElement().satisfies(c -> {
        assertThat(c.mountPoint()).isEqualTo(d + "/a");
        assertThat(c.now().type()).isEqualTo("tmpfs");
      });
      tmpfs(Trees.path(outside) + "/inner"); // elsewhere
      mount("--rbind", Trees.path(outside).toString(), d + "/b"); // with outside's own mount: two at once, b the topmost
      assertThat(next()).extracting(MountWatch.Change::mountPoint).containsExactly(d + "/b");
      assertThat(w.now()).extracting(MountWatch.Change::mountPoint).containsExactly(d + "/a", d + "/b");
      umount(d + "/a");
      assertThat(next()).singleElement().satisfies(c -> {
        assertThat(c.mountPoint()).isEqualTo(d + "/a");
        assertThat(c.now()).as("nothing mounted there any more").isNull();
      });
      Thread.sleep(300);
      assertThat(told).as("told besides").isEmpty();
    }
  }

  @Test
  void theInotifyWatcherWatchesWhatAMountShowsAndLetsItGoAtTheUnmount() throws Exception {
    Trees.write(Trees.at(dir, "m/under"), "under the mount point");
    List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (TreeWatcher t = TreeWatcher.builder().mask(InotifyMask.IN_CLOSE_WRITE).recursive(true).build()) {
      t.watch(dir);
      String m = mount("--bind", Trees.path(outside).toString(), Trees.path(dir) + "/m");
      assertThat(t.watchMountPoint(Bytes.of(m))).isNull();
      Trees.write(Trees.at(outside, "seen"), "through the mount");
      Await.until("the write below the mount point seen", Duration.ofSeconds(10), () -> {
        t.poll(100, e -> seen.add(Bytes.display(e.fullPath())));
        return seen.contains(m + "/seen");
      }, () -> seen);
      umount(m);
      assertThat(t.watchMountPoint(Bytes.of(m))).isNull();
      Trees.write(Trees.at(outside, "not-seen"), "no longer below the source");
      Trees.write(Trees.at(dir, "m/again"), "under the mount point again");
      Await.until("the write under the mount point seen", Duration.ofSeconds(10), () -> {
        t.poll(100, e -> seen.add(Bytes.display(e.fullPath())));
        return seen.contains(m + "/again");
      }, () -> seen);
      assertThat(seen).noneMatch(p -> p.endsWith("not-seen"));
      String twice = mount("--bind", Trees.path(dir) + "/m", Trees.path(dir) + "/twice"); // a directory of the tree, watched already
      assertThat(t.watchMountPoint(Bytes.of(twice))).contains("watched there");
    }
  }
}
