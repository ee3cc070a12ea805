package dev.livesync.reliability;

import static dev.livesync.testing.Trees.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.fs.Bytes;
import dev.livesync.sync.EngineSettings;
import dev.livesync.sync.Replicator;
import dev.livesync.testing.Await;
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
 * A local target that, while livesync runs, comes to lead into the source — its directory replaced
 * by a symlink or a bind mount to a directory inside the source (an admin "pointing the backup
 * somewhere else", a mount gone wrong). Refused at start, it used to be written on every run after:
 * the source copied into itself without end, and the source's files the top of it does not have
 * deleted from it by the run's --delete. Now no run and no rename starts while it does, the target
 * says why, and it catches up once the directory is put back. The engine in-process, real rsync.
 */
class SwappedTargetTest {
  byte[] src;
  byte[] top;
  byte[] dst;
  Replicator r;
  Path bound;

  @BeforeEach
  void trees() {
    src = Trees.tempDir("swapped-src");
    top = Trees.tempDir("swapped-dst");
    dst = at(top, "backup");
    Trees.write(at(src, "keep/k1"), "precious");
    Trees.write(at(src, "k1"), "top");
  }

  @AfterEach
  void cleanUp() throws Exception {
    try {
      if (r != null) r.stop(Duration.ofSeconds(10));
    } finally {
      if (bound != null) new ProcessBuilder("umount", bound.toString()).inheritIO().start().waitFor();
      Trees.delete(src);
      Trees.delete(top);
    }
  }

  void start() throws Exception {
    var s = EngineSettings.builder("swapped", src).stateDir(Trees.path(Trees.tempDir("swapped-state")))
        .delay(Duration.ofMillis(50)).retry(Duration.ofMillis(200), Duration.ofSeconds(1)).build();
    r = Replicator.start(s, List.of(RsyncTransport.open(src, Bytes.latin1(dst), TargetOptions.defaults())), null);
    Trees.awaitSameTree(src, dst, Await.CONVERGE, Trees.Ignore.DIR_MTIMES);
  }

  /** Changes that would each send: a new file, a deleted one, a renamed directory. */
  void changeTheSource() throws Exception {
    Trees.write(at(src, "new"), "after the swap");
    Trees.delete(at(src, "k1"));
    Trees.write(at(src, "d/f"), "a directory");
    Thread.sleep(300);
    Files.move(Trees.path(at(src, "d")), Trees.path(at(src, "d2")));
  }

  /** The target refused for leading into the source, and after more refused attempts, the source's keep/ as it was. */
  void awaitRefusedAndTheSourceUntouched() throws Exception {
    Await.until("the target refused for leading into the source", Await.CONVERGE,
        () -> r.status().targets().getFirst().lastError().contains("now is inside the source"), () -> r.status());
    Thread.sleep(1500);
    assertThat(Trees.list(at(src, "keep")).stream().map(Bytes::display)).as("the source's keep/").containsExactly("k1");
    assertThat(new String(Trees.read(at(src, "keep/k1")))).isEqualTo("precious");
  }

  @Test
  void aTargetReplacedByASymlinkIntoTheSourceIsNotWritten() throws Exception {
    start();
    Files.move(Trees.path(dst), Trees.path(at(top, "backup.real")));
    Files.createSymbolicLink(Trees.path(dst), Trees.path(at(src, "keep")));
    changeTheSource();
    awaitRefusedAndTheSourceUntouched();
    Files.delete(Trees.path(dst));
    Files.move(Trees.path(at(top, "backup.real")), Trees.path(dst));
    Trees.awaitSameTree(src, dst, Await.CONVERGE, Trees.Ignore.DIR_MTIMES);
  }

  @Test
  void aTargetWithTheSourceBindMountedOverItIsNotWritten() throws Exception {
    start();
    bound = Trees.path(dst);
    assertThat(new ProcessBuilder("mount", "--bind", Trees.path(at(src, "keep")).toString(), bound.toString()).inheritIO().start().waitFor()).isZero();
    changeTheSource();
    awaitRefusedAndTheSourceUntouched();
    assertThat(new ProcessBuilder("umount", bound.toString()).inheritIO().start().waitFor()).isZero();
    bound = null;
    Trees.awaitSameTree(src, dst, Await.CONVERGE, Trees.Ignore.DIR_MTIMES);
  }
}
