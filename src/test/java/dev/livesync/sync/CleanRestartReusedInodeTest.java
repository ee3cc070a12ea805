package dev.livesync.sync;

import static dev.livesync.testing.Trees.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.fs.Bytes;
import dev.livesync.testing.Await;
import dev.livesync.testing.LoopFs;
import dev.livesync.testing.Trees;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A directory deleted while livesync was stopped (cleanly), and a new one made that got its inode
 * number (ext4 reuses a freed inode at once): the next start must not take that for a rename. The
 * old directory's files are held by the mass-deletion guard under their own name, as after any
 * {@code rm -rf} while stopped, and the new directory gets only what the source has (real ext4 on a
 * loop device, real rsync, to a local directory and to a loopback daemon).
 */
class CleanRestartReusedInodeTest {
  @RegisterExtension static final LoopFs.PerClass fs = LoopFs.perClass(64);
  @RegisterExtension final EngineFixture engine = new EngineFixture("restart-reused-inode", source());
  private final CleanRestartTest.Shifted clock = new CleanRestartTest.Shifted();
  private final CleanRestartTest.Delivered delivered = new CleanRestartTest.Delivered();

  private static byte[] source() {
    try {
      return Bytes.of(Files.createDirectories(fs.root().resolve("src")).toString());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private Replicator start(EngineSettings s, String kind) throws InterruptedException {
    delivered.items.clear();
    return engine.start(s, List.of(engine.rsync(kind)), delivered, clock);
  }

  private static long inode(Path p) throws Exception {
    return ((Number) Files.getAttribute(p, "unix:ino", java.nio.file.LinkOption.NOFOLLOW_LINKS)).longValue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"local", "daemon"})
  void aNewDirectoryWithTheInodeOfOneDeletedWhileStoppedIsNoRename(String kind) throws Exception {
    // big/ holds 1,200 of the tree's 1,306 entries: its deletion is more than max_delete allows
    for (int d = 0; d < 5; d++) for (int i = 0; i < 20; i++) Trees.write(at(engine.src, "d" + d + "/f" + i), "d" + d + "f" + i);
    for (int i = 0; i < 1200; i++) Trees.write(at(engine.src, "big/g" + i), "g" + i);
    var s = engine.settings().maxDelete(dev.livesync.settings.Key.MAX_DELETE.maxDelete("50%")).build();
    Replicator first = start(s, kind);
    Await.until("caught up", Await.CONVERGE, first::caughtUp, first::status);
    Trees.awaitSameTree(engine.src, engine.dst, Await.CONVERGE);
    engine.stop(Duration.ofSeconds(10));

    Path src = Trees.path(engine.src);
    long was = inode(src.resolve("big"));
    Trees.delete(at(engine.src, "big"));
    Path other = null;
    for (int n = 0; n < 100 && other == null; n++) {
      Path p = Files.createDirectory(src.resolve("other" + n));
      if (inode(p) == was) other = p;
      else Files.delete(p);
    }
    assertThat(other).as("a new directory that got big's inode number").isNotNull();
    Files.writeString(other.resolve("new"), "new");
    String name = other.getFileName().toString();

    clock.shiftMillis = 3000; // the stop 3 s later than it was: what the first start sent is not sent again
    Replicator r = start(s, kind);
    Await.until("caught up", Await.CONVERGE, r::caughtUp, r::status);
    Await.until("new sent", Await.CONVERGE, () -> Files.exists(Trees.path(engine.dst).resolve(name + "/new")), r::status);
    synchronized (delivered.items) {
      assertThat(delivered.items).as("no rename").noneMatch(i -> i instanceof WorkItem.Rename);
    }
    assertThat(r.status().targets().getFirst().deletionsHeld()).as("deletions held, as after any rm -rf while stopped").isPositive();
    Path dst = Trees.path(engine.dst);
    try (var big = Files.list(dst.resolve("big"))) {
      assertThat(big.count()).as("big's files kept under their own name").isEqualTo(1200);
    }
    try (var now = Files.list(dst.resolve(name))) {
      assertThat(now.map(p -> p.getFileName().toString()).toList()).as("the new directory holds only what the source has").containsExactly("new");
    }
    engine.stop(Duration.ofSeconds(10));
  }
}
