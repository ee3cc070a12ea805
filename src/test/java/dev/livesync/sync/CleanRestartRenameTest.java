package dev.livesync.sync;

import static dev.livesync.testing.Trees.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.fs.Bytes;
import dev.livesync.testing.Await;
import dev.livesync.testing.Trees;
import dev.livesync.transport.TransferResult;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A directory holding most of the tree, renamed at the source while livesync was stopped (cleanly):
 * the next start sees it as a rename (the clean stop's listing has its inode), so the target renames
 * it (in place, or a daemon from its old copy) instead of getting it again, and the mass-deletion
 * guard holds nothing (real rsync, to a local directory and to a loopback daemon).
 */
class CleanRestartRenameTest {
  @RegisterExtension final EngineFixture engine = new EngineFixture("restart-rename");
  private final CleanRestartTest.Shifted clock = new CleanRestartTest.Shifted();
  private final CleanRestartTest.Delivered delivered = new CleanRestartTest.Delivered();
  /** Regular files the rsyncs of the current start transferred. */
  private final AtomicLong files = new AtomicLong();

  private Replicator start(EngineSettings s, String kind) throws InterruptedException {
    delivered.items.clear();
    files.set(0);
    DeliveryListener both = (String target, WorkItem item, TransferResult result, long now) -> {
      delivered.delivered(target, item, result, now);
      files.addAndGet(result.files());
    };
    return engine.start(s, List.of(engine.rsync(kind)), both, clock);
  }

  @ParameterizedTest
  @ValueSource(strings = {"local", "daemon"})
  void aDirectoryRenamedWhileStoppedIsRenamedAtTheTargetAndNotHeld(String kind) throws Exception {
    // big/ holds 1,204 of the tree's 1,310 entries: at least 1,000, so a daemon target renames it from its old copy
    for (int d = 0; d < 5; d++) for (int i = 0; i < 20; i++) Trees.write(at(engine.src, "d" + d + "/f" + i), "d" + d + "f" + i);
    for (int i = 0; i < 1200; i++) Trees.write(at(engine.src, "big/sub" + i % 3 + "/g" + i), "g" + i);
    var s = engine.settings().maxDelete(dev.livesync.settings.Key.MAX_DELETE.maxDelete("50%")).build();
    Replicator first = start(s, kind);
    Await.until("caught up", Await.CONVERGE, first::caughtUp, first::status);
    Trees.awaitSameTree(engine.src, engine.dst, Await.CONVERGE);
    // big's entries changed before the stop's margin: only an entry whose ctime is before it witnesses
    // that big2 is big (a reused inode is no rename); written just before the stop, none would
    long old = Trees.lastChange(engine.src).toEpochMilli() + StartupPlan.MARGIN_MILLIS + 100;
    while (System.currentTimeMillis() < old) Thread.sleep(50);
    engine.stop(Duration.ofSeconds(10));

    Files.move(Trees.path(at(engine.src, "big")), Trees.path(at(engine.src, "big2")));
    clock.shiftMillis = 3000; // the stop 3 s later than it was: what the first start sent is not sent again (the kernel's coarse clock's margin)
    Replicator r = start(s, kind);
    Await.until("caught up", Await.CONVERGE, r::caughtUp, r::status);
    Trees.awaitSameTree(engine.src, engine.dst, Await.CONVERGE);
    assertThat(r.status().targets().getFirst().deletionsHeld()).as("deletions held").isZero();
    assertThat(delivered.fullSync()).as("no full sync").isFalse();
    synchronized (delivered.items) {
      assertThat(delivered.items).as("the rename, as itself").anyMatch(i -> i instanceof WorkItem.Rename m && m.dir()
          && Bytes.latin1(m.from()).equals("big") && Bytes.latin1(m.to()).equals("big2"));
    }
    assertThat(files.get()).as("files sent again").isZero();
    Trees.assertSameTree(engine.src, engine.dst);
    engine.stop(Duration.ofSeconds(10));
  }
}
