package dev.livesync.sync;

import static dev.livesync.testing.Await.CONVERGE;
import static dev.livesync.testing.Trees.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.fs.Bytes;
import dev.livesync.fs.Libc;
import dev.livesync.testing.Await;
import dev.livesync.testing.Trees;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A deletion queued for a target that is down (or journaled, then replayed after a restart) runs
 * after the source has made something new under the same name. It must leave the target equal to
 * the source: the new files with their new bytes, and none of the old copy's files — in particular a
 * directory deleted and made again must not keep the old directory's files (issue 6, scenario 3:
 * "no duplicate deletes of newer files"; the process-level test is
 * {@code reliability.ProcessScenariosTest.killDashNineWithStaleDeletionsJournaledNeverDeletesNewerFiles}).
 * Real inotify, real rsync into a local directory; only the target's reachability is simulated.
 */
class StaleDeletionTest {
  @RegisterExtension final EngineFixture engine = new EngineFixture("stale");
  final byte[] src = engine.src;
  final byte[] dst = engine.dst;
  Replicator r;

  EngineSettings settings(DeletePolicy p) {
    return engine.settings().delete(p).retry(Duration.ofMillis(100), Duration.ofMillis(300)).build();
  }

  void seed() {
    for (int k = 0; k < 5; k++) Trees.write(at(src, "d/x" + k), "old d/x" + k);
    Trees.write(at(src, "f"), "old f");
    Trees.write(at(src, "a"), "old a");
    Trees.write(at(src, "keep"), "keep");
    for (String p : List.of("d/x0", "d/x1", "d/x2", "d/x3", "d/x4", "f", "a", "keep")) Trees.setMtime(at(src, p), System.currentTimeMillis() / 1000 - 3600);
  }

  /** Deletes d (with its files) and f, renames a to b: all of it while the target is down. */
  void deleteAndRename() {
    for (int k = 0; k < 5; k++) Trees.delete(at(src, "d/x" + k));
    Libc.rmdir(at(src, "d"));
    Trees.delete(at(src, "f"));
    Libc.rename(at(src, "a"), at(src, "b"));
  }

  /** New files under the stale names: a new directory d, a new f, a new a (the renamed-away name). */
  void makeAgain() {
    Trees.write(at(src, "d/new"), "NEW d/new, longer than before");
    Trees.write(at(src, "f"), "NEW f, longer than before");
    Trees.write(at(src, "a"), "NEW a, longer than before");
  }

  void assertNewBytesAndSameTree() {
    for (String p : List.of("d/new", "f", "a"))
      assertThat(new String(Trees.read(Bytes.child(dst, Bytes.of(p))), StandardCharsets.UTF_8)).as(p).startsWith("NEW");
    Trees.assertSameTree(src, dst, Trees.Ignore.DIR_MTIMES);
  }

  static void await(Await.Check c, String what, Replicator r) {
    Await.until(what, CONVERGE, c, r::status);
  }

  /** The deletions were cut into a batch that failed: queued at the target, nothing pending in the coalescer. */
  static boolean queuedWhileDown(Replicator r) {
    var s = r.status();
    return s != null && s.pendingPaths() == 0 && s.targets().getFirst().state().equals("retrying") && s.targets().getFirst().queuedItems() > 0;
  }

  @ParameterizedTest(name = "delete = {0}")
  @EnumSource(value = DeletePolicy.class, names = {"ALWAYS", "RUNNING"})
  void queuedDeletionsRunAfterTheNamesWereMadeAgainLive(DeletePolicy policy) throws Exception {
    seed();
    var t = engine.local();
    t.canRename = false; // like a daemon: the rename rides in the batches as delete + send
    r = engine.start(settings(policy), t);
    Trees.assertSameTree(src, dst, Trees.Ignore.DIR_MTIMES);
    t.down = true;
    deleteAndRename();
    await(() -> queuedWhileDown(r), "deletions queued at the down target", r);
    makeAgain();
    t.down = false;
    await(r::caughtUp, "caught up", r);
    assertNewBytesAndSameTree();
  }

  /**
   * While a target is down, what changes must reach the journal, not wait in memory: a kill -9 during
   * a long outage would lose it (under delete = running a lost deletion is never made). Batches were
   * held back while an earlier one waited for the target, which during an outage is forever (until
   * batch_max_files paths piled up).
   */
  @org.junit.jupiter.api.Test
  void changesMadeWhileTheTargetIsDownAreJournaledNotHeldBack() throws Exception {
    seed();
    var t = engine.local();
    r = engine.start(settings(DeletePolicy.RUNNING), t);
    t.down = true;
    for (int i = 0; i < 3; i++) {
      Trees.write(at(src, "wave" + i), "made while the target is down");
      int items = i + 1;
      // paths, not items: the batches that wait for the target fold into one (WaitingSends)
      await(() -> queuedWhileDown(r) && r.status().targets().getFirst().queuedPaths() >= items, "wave " + i + " queued at the down target", r);
    }
    Trees.delete(at(src, "keep"));
    // a fourth path: nothing pending could also mean the deletion's event was not read yet
    await(() -> r.status().pendingPaths() == 0 && r.status().targets().getFirst().queuedPaths() >= 4, "the deletion cut into a batch", r);
    engine.stop(Duration.ZERO);
    Path journal;
    try (var files = java.nio.file.Files.list(engine.state)) {
      journal = files.filter(f -> f.toString().endsWith(".journal")).findFirst().orElseThrow();
    }
    try (var j = Journal.open(journal)) {
      assertThat(j.recovered().stream().flatMap(e -> e.item().footprint().stream()).map(Bytes::display))
          .contains("wave0", "wave1", "wave2", "keep");
    }
  }

  @ParameterizedTest(name = "delete = {0}")
  @EnumSource(value = DeletePolicy.class, names = {"ALWAYS", "RUNNING", "STARTUP"})
  void journaledDeletionsReplayedAfterTheNamesWereMadeAgain(DeletePolicy policy) throws Exception {
    seed();
    var t = engine.local(); // renames in place: the journal holds a Rename item
    r = engine.start(settings(policy), t);
    Trees.assertSameTree(src, dst, Trees.Ignore.DIR_MTIMES);
    t.down = true;
    deleteAndRename();
    await(() -> queuedWhileDown(r), "deletions queued at the down target", r);
    engine.stop(Duration.ZERO); // the target is down: the work stays in the journal
    makeAgain(); // while nothing watches: only the journal and the initial sync know
    t.down = false;
    r = engine.start(settings(policy), t);
    await(r::caughtUp, "caught up after the restart", r);
    assertNewBytesAndSameTree();
  }

  /**
   * A send queued before a name was made again runs after it and copies the new file (here: the
   * deletion of f waited for the target, and f was made again, still open for writing, before it
   * came back). The new f must then not count as never sent: deleted at the source before its own
   * batch (a temp file dpkg or an editor writes, then removes or renames away), it is deleted at the
   * target too. The coalescer drops a name made and removed between two batches; it may do so only
   * while nothing could have copied it.
   */
  @ParameterizedTest(name = "gone by {0}")
  @org.junit.jupiter.params.provider.ValueSource(strings = {"unlink", "rename"})
  void aNameMadeAgainThatAnEarlierSendCopiedIsDeletedWhenItGoesAgain(String how) throws Exception {
    seed();
    var t = engine.local();
    r = engine.start(settings(DeletePolicy.RUNNING), t);
    Trees.assertSameTree(src, dst, Trees.Ignore.DIR_MTIMES);
    t.down = true;
    Trees.delete(at(src, "f"));
    await(() -> queuedWhileDown(r), "the deletion of f queued at the down target", r);
    try (var out = java.nio.channels.FileChannel.open(Trees.path(at(src, "f")),
        java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE)) {
      out.write(java.nio.ByteBuffer.wrap("NEW f, being written".getBytes(StandardCharsets.UTF_8)));
      await(() -> r.status().pendingPaths() > 0, "the new f seen (held: open for writing)", r);
      t.down = false;
      // the queued send runs now, and f exists: it copies the new f
      await(() -> Trees.exists(at(dst, "f")) && new String(Trees.read(at(dst, "f")), StandardCharsets.UTF_8).startsWith("NEW"), "the new f copied by the queued send", r);
    }
    if (how.equals("unlink")) Trees.delete(at(src, "f"));
    else Libc.rename(at(src, "f"), at(src, "keep"));
    await(r::caughtUp, "caught up", r);
    Trees.assertSameTree(src, dst, Trees.Ignore.DIR_MTIMES);
  }
}
