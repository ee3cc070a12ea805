package dev.livesync.reliability;

import static dev.livesync.testing.Trees.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.fs.Bytes;
import dev.livesync.sync.EngineSettings;
import dev.livesync.sync.Replicator;
import dev.livesync.testing.Await;
import dev.livesync.testing.LoopFs;
import dev.livesync.testing.Trees;
import dev.livesync.transport.RsyncTransport;
import dev.livesync.transport.TargetOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A local target on a disk that /etc/fstab mounts (here a loop-mounted ext4 and an fstab of the
 * test's own, through the livesync.fstab property): while nothing is mounted there, nothing is
 * written under the mount point, which would fill the disk below it with a copy of the source; the
 * target shows why; once the disk is back, it catches up. The engine in-process, real rsync.
 */
class UnmountedTargetTest {
  Path dir;
  LoopFs disk;
  byte[] src;
  byte[] backup;
  Replicator r;

  @BeforeEach
  void disk() throws Exception {
    dir = Files.createTempDirectory("unmounted");
    disk = LoopFs.ext4(dir, 16);
    Files.writeString(dir.resolve("fstab"), "# this test's\n" + disk.image() + " " + disk.root() + " ext4 loop,noauto 0 0\n");
    System.setProperty("livesync.fstab", dir.resolve("fstab").toString());
    src = Trees.tempDir("unmounted-src");
    backup = Bytes.of(disk.root().resolve("backup").toString());
  }

  @AfterEach
  void cleanUp() throws Exception {
    try {
      if (r != null) r.stop(Duration.ofSeconds(10));
    } finally {
      System.clearProperty("livesync.fstab");
      disk.close();
      Trees.delete(src);
      Trees.delete(Bytes.of(dir.toString()));
    }
  }

  void start() throws Exception {
    var s = EngineSettings.builder("unmounted", src).stateDir(Trees.path(Trees.tempDir("unmounted-state")))
        .delay(Duration.ofMillis(50)).retry(Duration.ofMillis(200), Duration.ofSeconds(1)).build();
    r = Replicator.start(s, List.of(RsyncTransport.open(src, Bytes.latin1(backup), TargetOptions.defaults())), null);
  }

  void awaitRefusedForTheMount() throws InterruptedException {
    Await.until("the target refused for its unmounted disk", Await.CONVERGE,
        () -> r.status().targets().getFirst().lastError().contains("nothing is mounted there"), () -> r.status());
    assertThat(r.status().targets().getFirst().lastError()).contains(disk.root().toString());
  }

  /** After a few more refused attempts (retries at most a second apart): nothing under the bare mount point. */
  void nothingUnderTheMountPoint() throws Exception {
    Thread.sleep(1500);
    try (var under = Files.list(disk.root())) {
      assertThat(under).as("written under the mount point").isEmpty();
    }
  }

  @Test
  void aDiskUnmountedWhileRunningIsNotFilledInItsPlaceAndCatchesUpWhenBack() throws Exception {
    Trees.write(at(src, "a/f"), "before");
    start();
    Trees.awaitSameTree(src, backup, Await.CONVERGE, Trees.Ignore.DIR_MTIMES);
    disk.unmount();
    Trees.write(at(src, "a/g"), "while the disk was away");
    Trees.write(at(src, "b/h"), "a new directory meanwhile");
    awaitRefusedForTheMount();
    nothingUnderTheMountPoint();
    disk.mount();
    Trees.awaitSameTree(src, backup, Await.CONVERGE, Trees.Ignore.DIR_MTIMES);
  }

  @Test
  void aDiskNotMountedAtStartIsWaitedFor() throws Exception {
    disk.unmount();
    Trees.write(at(src, "a/f"), "there at start");
    start();
    awaitRefusedForTheMount();
    Trees.write(at(src, "c/later"), "written while waiting");
    nothingUnderTheMountPoint();
    disk.mount();
    Trees.awaitSameTree(src, backup, Await.CONVERGE, Trees.Ignore.DIR_MTIMES);
  }
}
