package dev.livesync.reliability;

import static dev.livesync.testing.Await.CONVERGE;
import static dev.livesync.testing.Trees.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.fs.Bytes;
import dev.livesync.fs.WatcherChoice;
import dev.livesync.sync.EngineSettings;
import dev.livesync.sync.Replicator;
import dev.livesync.testing.Await;
import dev.livesync.testing.LogCapture;
import dev.livesync.testing.LoopFs;
import dev.livesync.testing.Processes;
import dev.livesync.testing.Trees;
import dev.livesync.transport.RsyncTransport;
import dev.livesync.transport.TargetOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A filesystem mounted below the source while the sync runs (a bind mount, a tmpfs; an NFS uploads
 * directory or a USB disk alike): what it shows is replicated live, and once it is unmounted the
 * targets get the directory under it again, with the mass-deletion guard judging what that deletes.
 * A mount beside the source changes nothing. With fanotify, whose filesystem mark does not see such
 * a mount, status says it is not watched. The engine in-process, real rsync to a local directory,
 * real mounts (root only); every mount is undone in {@link #cleanUp}.
 */
class MountBelowSourceTest {
  enum Mount { BIND, TMPFS }

  byte[] src;
  byte[] dst;
  byte[] outside;
  Path loopDir;
  LoopFs loop;
  Replicator r;
  final AtomicInteger delivered = new AtomicInteger();
  final List<byte[]> mounted = new ArrayList<>();

  @BeforeEach
  void root() {
    Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "mounting needs root");
  }

  @AfterEach
  void cleanUp() throws Exception {
    try {
      if (r != null) r.stop(Duration.ofSeconds(10));
    } finally {
      for (int i = mounted.size() - 1; i >= 0; i--) {
        try {
          Processes.run(List.of("umount", "-l", Trees.path(mounted.get(i)).toString()));
        } catch (RuntimeException notMounted) {
          // unmounted by the test
        }
      }
      for (byte[] d : new byte[][] {src, dst, outside}) if (d != null) Trees.delete(d);
      if (src != null) Trees.delete(Bytes.of(Trees.path(src) + "-beside"));
      if (loop != null) loop.close();
      if (loopDir != null) Trees.delete(Bytes.of(loopDir.toString()));
    }
  }

  void start(WatcherChoice.Kind watcher) throws Exception {
    start(watcher, dev.livesync.settings.Key.Naming.FLAG);
  }

  /** {@code naming}: the sync as from the command line (FLAG) or from a config file (CONFIG). */
  void start(WatcherChoice.Kind watcher, dev.livesync.settings.Key.Naming naming) throws Exception {
    dst = Trees.tempDir("mount-dst");
    var s = EngineSettings.builder("mounts", src).stateDir(Trees.path(Trees.tempDir("mount-state")))
        .delay(Duration.ofMillis(50)).retry(Duration.ofMillis(200), Duration.ofSeconds(1)).watcher(watcher).naming(naming).build();
    r = Replicator.start(s, List.of(RsyncTransport.open(src, Bytes.latin1(dst), TargetOptions.defaults())),
        (target, item, result, now) -> delivered.incrementAndGet());
  }

  void converge() throws InterruptedException {
    Trees.awaitSameTree(src, dst, CONVERGE, Trees.Ignore.DIR_MTIMES);
  }

  /** Once nothing has been delivered for a second (the initial sync's run ends after its files are there): the count. */
  int quiet() throws InterruptedException {
    int n = delivered.get();
    while (true) {
      Thread.sleep(1000);
      int now = delivered.get();
      if (now == n) return n;
      n = now;
    }
  }

    void mount(Mount kind, byte[] from, byte[] on) {
    Trees.mkdirs(on);
    mounted.add(on);
    Processes.run(kind == Mount.BIND ? List.of("mount", "--bind", Trees.path(from).toString(), Trees.path(on).toString())
        : List.of("mount", "-t", "tmpfs", "-o", "size=16m", "livesync-test", Trees.path(on).toString()));
  }

  void unmount(byte[] on) {
    Processes.run(List.of("umount", Trees.path(on).toString()));
    mounted.removeIf(m -> java.util.Arrays.equals(m, on));
  }

  @ParameterizedTest
  @EnumSource(Mount.class)
  void aFilesystemMountedInTheRunningSourceIsReplicatedLiveAndItsUnmountConverges(Mount kind) throws Exception {
    src = Trees.tempDir("mount-src");
    outside = Trees.tempDir("mount-outside");
    Trees.write(at(src, "top"), "top");
    Trees.write(at(src, "mnt/under"), "the directory under the mount point");
    Trees.write(at(outside, "pre"), "there before the bind mount");
    start(WatcherChoice.Kind.INOTIFY);
    converge();
    try (var logs = new LogCapture()) {
      int before = quiet();
      mount(Mount.BIND, outside, at(Bytes.of(Trees.path(src) + "-beside"), "mnt")); // beside the source: a name that starts alike
      Thread.sleep(1500);
      assertThat(delivered.get()).as("items delivered for a mount beside the source").isEqualTo(before);
      assertThat(logs.text()).doesNotContain("mounted");

      mount(kind, outside, at(src, "mnt"));
      if (kind == Mount.TMPFS) Trees.write(at(src, "mnt/pre"), "written at once, before livesync can have seen the mount");
      converge();
      Trees.write(at(src, "mnt/after"), "written in the mounted tree");
      Trees.write(at(src, "mnt/nd/y"), "in a new directory of it");
      converge();
      assertThat(r.status().unwatchedDirs()).as("unwatched directories").isZero();
      assertThat(logs.text()).contains(Trees.path(at(src, "mnt")) + " was mounted");

      unmount(at(src, "mnt"));
      converge();
      assertThat(Trees.exists(at(dst, "mnt/under"))).isTrue();
      assertThat(Trees.exists(at(dst, "mnt/pre"))).isFalse();
      assertThat(logs.text()).contains(Trees.path(at(src, "mnt")) + " was unmounted");
      Trees.write(at(src, "mnt/later"), "under the mount point once it is gone");
      converge();
    }
  }

  @Test
  void anUnmountThatWouldDeleteMostOfTheTargetIsHeldByTheMassDeletionGuard() throws Exception {
    src = Trees.tempDir("mount-src");
    outside = Trees.tempDir("mount-outside");
    Trees.write(at(src, "keep"), "keep");
    Trees.mkdirs(at(src, "mnt"));
    for (int i = 0; i < 300; i++) Trees.write(at(outside, "f" + i), "mounted " + i);
    start(WatcherChoice.Kind.INOTIFY);
    converge();
    mount(Mount.BIND, outside, at(src, "mnt"));
    converge();
    unmount(at(src, "mnt"));
    long held = Await.value("deletions held", CONVERGE, () -> r.status().targets().getFirst().deletionsHeld(), n -> n > 0);
    assertThat(held).as("held").isGreaterThanOrEqualTo(300);
    assertThat(Trees.list(at(dst, "mnt"))).as("the mounted files at the target").hasSize(300);
    r.releaseDeletes();
    converge();
  }

  /** fanotify on a loop-mounted ext4 of the test's own; a tmpfs, or a bind mount of a directory of that ext4, below the source. */
  @ParameterizedTest
  @EnumSource(Mount.class)
  void withFanotifyAMountBelowTheSourceIsSaidNotWatchedAndSentWhole(Mount kind) throws Exception {
    loopDir = Files.createTempDirectory("mount-loop");
    loop = LoopFs.ext4(loopDir, 16);
    src = Bytes.of(Files.createDirectory(loop.root().resolve("src")).toString());
    outside = Bytes.of(Files.createDirectory(loop.root().resolve("outside")).toString());
    Trees.write(at(src, "mnt/under"), "the directory under the mount point");
    Trees.write(at(outside, "pre"), "there before the bind mount");
    start(WatcherChoice.Kind.FANOTIFY);
    converge();
    try (var logs = new LogCapture()) {
      mount(kind, outside, at(src, "mnt"));
      if (kind == Mount.TMPFS) Trees.write(at(src, "mnt/pre"), "written at once");
      Await.until("the mount said not watched", CONVERGE, () -> r.status().unwatchedDirs() == 1, r::status);
      assertThat(r.status().firstUnwatched()).contains(Trees.path(at(src, "mnt")).toString()).contains("fanotify");
      assertThat(logs.text()).contains("WARN sync 'mounts': " + Trees.path(at(src, "mnt")) + " was mounted")
          .contains("through the source's mount (--watcher inotify watches it)");
      converge(); // sent whole
      unmount(at(src, "mnt"));
      converge();
      Await.until("watched once unmounted", CONVERGE, () -> r.status().unwatchedDirs() == 0, r::status); // status is published once a second
      Trees.write(at(src, "mnt/later"), "seen by the filesystem mark");
      converge();
    }
  }

  @Test
  void withFanotifyAMountBelowTheSourceAtTheStartIsSaidNotWatched() throws Exception {
    loopDir = Files.createTempDirectory("mount-loop");
    loop = LoopFs.ext4(loopDir, 16);
    src = Bytes.of(Files.createDirectory(loop.root().resolve("src")).toString());
    mount(Mount.TMPFS, null, at(src, "mnt"));
    Trees.write(at(src, "mnt/f"), "on the tmpfs");
    try (var logs = new LogCapture()) {
      start(WatcherChoice.Kind.FANOTIFY, dev.livesync.settings.Key.Naming.CONFIG);
      converge();
      Await.until("the mount said not watched", CONVERGE, () -> r.status().unwatchedDirs() == 1, r::status);
      assertThat(logs.text()).contains(Trees.path(at(src, "mnt")) + " is mounted (tmpfs livesync-test) below the source");
      // a sync from a config file is told what to write there, not a flag it did not use
      assertThat(logs.text()).contains("(watcher = \"inotify\" watches it)").doesNotContain("--watcher");
      assertThat(r.status().firstUnwatched()).contains("(watcher = \"inotify\" watches it)");
    }
  }
}
