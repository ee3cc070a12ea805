package dev.livesync.reliability;

import static dev.livesync.testing.Trees.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.fs.Bytes;
import dev.livesync.sync.EngineSettings;
import dev.livesync.sync.Replicator;
import dev.livesync.testing.Await;
import dev.livesync.testing.LogCapture;
import dev.livesync.testing.Trees;
import dev.livesync.transport.RsyncTransport;
import dev.livesync.transport.TargetOptions;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A full sync writes a sparse file whole (only a file sent alone keeps its holes): a 64 MiB file
 * with a few KiB of data (a VM image, a database preallocated with truncate) onto a target with
 * room for its data but not for its length ran out of space at every attempt, and the full sync,
 * a barrier, kept every later change of that target waiting behind it, for ever. Once a run says
 * the target has no space left, the target's runs keep holes. The engine in-process, real rsync,
 * a real 8 MiB tmpfs as the target.
 */
class SparseOnFullTargetTest {
  byte[] src;
  byte[] top;
  byte[] dst;
  byte[] state;
  Replicator r;
  boolean mounted;

  @BeforeEach
  void trees() throws Exception {
    src = Trees.tempDir("sparse-full-src");
    top = Trees.tempDir("sparse-full-dst");
    dst = at(top, "backup");
    state = Trees.tempDir("sparse-full-state");
    Trees.mkdirs(dst);
    Trees.write(at(src, "a/small"), "there at start");
    try (var f = new RandomAccessFile(Bytes.latin1(at(src, "disk.img")), "rw")) {
      f.setLength(64L << 20);
      f.seek(32L << 20);
      f.write("a few bytes of data in the middle of the holes".getBytes());
    }
  }

  @AfterEach
  void cleanUp() throws Exception {
    try {
      if (r != null) r.stop(Duration.ofSeconds(10));
    } finally {
      if (mounted) UnwritableTargetTest.sh("umount", Bytes.latin1(dst));
      Trees.delete(src);
      Trees.delete(top);
      Trees.delete(state);
    }
  }

  @Test
  void aSparseFileLongerThanTheTargetsFreeSpaceArrivesByItsFullSyncAndLaterChangesFollow() throws Exception {
    UnwritableTargetTest.sh("mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", Bytes.latin1(dst));
    mounted = true;
    try (var log = new LogCapture()) {
      var s = EngineSettings.builder("sparse-full", src).stateDir(Trees.path(state))
          .delay(Duration.ofMillis(50)).retry(Duration.ofMillis(200), Duration.ofSeconds(1)).build();
      r = Replicator.start(s, List.of(RsyncTransport.open(src, Bytes.latin1(dst), TargetOptions.defaults())), null);
      Trees.awaitSameTree(src, dst, Await.CONVERGE, Trees.Ignore.DIR_MTIMES);
      // the copy keeps the holes: a few blocks, not 64 MiB
      assertThat(Files.size(Trees.path(at(dst, "disk.img")))).isEqualTo(64L << 20);
      assertThat(blocks(at(dst, "disk.img"))).as("512-byte blocks the target's copy takes").isLessThan(1024);
      assertThat(log.text()).contains("no space left on device").contains("keeps holes");
      // and the target is not stuck: a later change arrives
      Trees.write(at(src, "a/later"), "written after the full sync");
      Trees.awaitSameTree(src, dst, Await.CONVERGE, Trees.Ignore.DIR_MTIMES);
    }
  }

  static long blocks(byte[] file) throws Exception {
    Process p = new ProcessBuilder("stat", "-c", "%b", Bytes.latin1(file)).start();
    String out = new String(p.getInputStream().readAllBytes()).trim();
    assertThat(p.waitFor()).isZero();
    return Long.parseLong(out);
  }
}
