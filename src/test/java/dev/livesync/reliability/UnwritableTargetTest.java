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
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A local target that cannot be written — a filesystem mounted read-only (as ext4 remounts itself
 * after an error), a directory made immutable — is a target fault: the target retries and says why,
 * instead of showing "ok" while every run failed on its files (rsync's exit 23, which is otherwise a
 * few paths of the source that changed under it); once it can be written again it catches up. The
 * engine in-process, real rsync, a real tmpfs and chattr.
 */
class UnwritableTargetTest {
  byte[] src;
  byte[] top;
  byte[] dst;
  Replicator r;
  boolean mounted, immutable;

  @BeforeEach
  void trees() {
    src = Trees.tempDir("unwritable-src");
    top = Trees.tempDir("unwritable-dst");
    dst = at(top, "backup");
    Trees.mkdirs(dst);
    Trees.write(at(src, "a/f"), "there at start");
  }

  @AfterEach
  void cleanUp() throws Exception {
    try {
      if (r != null) r.stop(Duration.ofSeconds(10));
    } finally {
      if (immutable) sh("chattr", "-i", Bytes.latin1(dst));
      if (mounted) sh("umount", Bytes.latin1(dst));
      Trees.delete(src);
      Trees.delete(top);
    }
  }

  static void sh(String... cmd) throws Exception {
    assertThat(new ProcessBuilder(cmd).inheritIO().start().waitFor()).as(String.join(" ", cmd)).isZero();
  }

  void start() throws Exception {
    var s = EngineSettings.builder("unwritable", src).stateDir(Trees.path(Trees.tempDir("unwritable-state")))
        .delay(Duration.ofMillis(50)).retry(Duration.ofMillis(200), Duration.ofSeconds(1)).build();
    r = Replicator.start(s, List.of(RsyncTransport.open(src, Bytes.latin1(dst), TargetOptions.defaults())), null);
  }

  void awaitRetryingBecause(String why) {
    Await.until("the target retrying, saying why", Await.CONVERGE, () -> {
      var t = r.status().targets().getFirst();
      return t.state().equals("retrying") && t.lastError().contains("cannot be written (" + why + ")");
    }, () -> r.status());
  }

  @Test
  void aTargetMountedReadOnlyRetriesAndSaysSo() throws Exception {
    sh("mount", "-t", "tmpfs", "-o", "ro,size=8m", "tmpfs", Bytes.latin1(dst));
    mounted = true;
    start();
    awaitRetryingBecause("read-only file system");
    Trees.write(at(src, "b/g"), "written while it could not be");
    sh("mount", "-o", "remount,rw", Bytes.latin1(dst));
    Trees.awaitSameTree(src, dst, Await.CONVERGE, Trees.Ignore.DIR_MTIMES);
  }

  /**
   * The target directory itself cannot be made (its filesystem read-only): rsync's receiver fails at
   * its mkdir and exits 11, not 23; the host answered, so neither the status nor the stop calls it
   * unreachable.
   */
  @Test
  void aTargetWhoseDirectoryCannotBeMadeOnAReadOnlyFilesystemSaysSoAlsoOnStop() throws Exception {
    byte[] ro = at(top, "ro");
    Trees.mkdirs(ro);
    dst = at(ro, "backup");
    sh("mount", "-t", "tmpfs", "-o", "ro,size=8m", "tmpfs", Bytes.latin1(ro));
    try (var log = new LogCapture()) {
      try {
        start();
        awaitRetryingBecause("read-only file system");
        r.stop(Duration.ofSeconds(10));
        r = null;
      } finally {
        sh("umount", Bytes.latin1(ro));
      }
      assertThat(log.text()).contains("not writable (").contains("cannot be written (read-only file system)")
          .doesNotContain("not reachable");
    }
  }

  @Test
  void anImmutableTargetRetriesAndSaysSo() throws Exception {
    sh("chattr", "+i", Bytes.latin1(dst));
    immutable = true;
    start();
    awaitRetryingBecause("operation not permitted");
    sh("chattr", "-i", Bytes.latin1(dst));
    immutable = false;
    Trees.awaitSameTree(src, dst, Await.CONVERGE, Trees.Ignore.DIR_MTIMES);
  }
}
