package dev.livesync.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.fs.Bytes;
import dev.livesync.fs.Libc;
import dev.livesync.testing.RsyncDaemon;
import dev.livesync.testing.Trees;
import dev.livesync.transport.RsyncTransport;
import dev.livesync.transport.TargetOptions;
import dev.livesync.transport.TransferResult.Outcome;
import dev.livesync.transport.Transport;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Found by the reliability suite (target down under load, issue 6 scenario 2): a batch names
 * {@code gone/m150}, and by the time it runs the directory {@code gone} has been renamed away. rsync
 * ({@code -R --delete-missing-args}) then reports the missing parent as vanished (exit 24) on every
 * attempt: the item was requeued forever, the target never became idle, and SIGTERM always waited
 * for its whole bound. Now the send leaves such a path out and the topmost missing ancestor, which
 * rsync deletes, goes as an item of its own right behind it: every rsync run succeeds at its first
 * attempt (a failed first attempt cost a backoff each, thousands of them under load). Not inside the
 * send itself: that deletion reaches beyond the send's paths, which are all that orders it against
 * the other items (see {@link #eachRsyncRunGetsOnlyItsOwnItemsPaths}).
 */
class VanishedParentTest {
  final FakeClock clock = new FakeClock();
  final ArrayDeque<Runnable> loop = new ArrayDeque<>();
  final ArrayDeque<Runnable> workers = new ArrayDeque<>();
  final List<Outcome> outcomes = new ArrayList<>();
  /** The paths of each rsync run, in the order they ran. */
  final List<List<String>> runs = new ArrayList<>();
  byte[] src, dst;

  @org.junit.jupiter.api.BeforeEach
  void trees() {
    src = Trees.tempDir("vp-src");
    dst = Trees.tempDir("vp-dst");
    Trees.chmod(src, 0755);
    Trees.chmod(dst, 0755);
  }

  @org.junit.jupiter.api.AfterEach
  void removeTrees() {
    Trees.delete(src);
    Trees.delete(dst);
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void anItemWhoseParentVanishedIsDeliveredAsADeletionOfThatParent(boolean daemon) throws Exception {
    RsyncDaemon d = daemon ? RsyncDaemon.start(Trees.path(dst)) : null;
    try {
      Trees.write(Bytes.child(src, Bytes.of("kept.txt")), "kept");
      Trees.write(Bytes.child(dst, Bytes.of("gone/m150/f")), "deleted at the source with its parent");
      Transport real = RsyncTransport.open(src, d != null ? d.url() : Bytes.latin1(dst), TargetOptions.defaults());
      var runner = runner(recording(real, real.canRename()), src);
      Trees.write(Bytes.child(dst, Bytes.of("moved/old/f")), "renamed in a dir that then went away");
      runner.submit(new WorkItem.Send(List.of(Bytes.of("gone/m150"), Bytes.of("kept.txt")), false, 0, 0));
      // a directory renamed, then its new parent deleted: as the coalescer queues it, a rename item
      // where the target can rename in place, and the reconcile of both names in a batch
      if (real.canRename()) runner.submit(new WorkItem.Rename(Bytes.of("moved/old"), Bytes.of("moved/new"), true, 0));
      runner.submit(new WorkItem.Send(List.of(Bytes.of("moved/old"), Bytes.of("moved/new")), true, 0, 0));
      runUntilIdle(runner);
      assertThat(runner.idle()).as("delivered, not retried forever").isTrue();
      assertThat(outcomes).as("every rsync run succeeded: each item at its first attempt").containsOnly(Outcome.OK);
      Trees.assertSameTree(src, dst, Trees.Ignore.DIR_MTIMES);
    } finally {
      if (d != null) d.close();
    }
  }

  /**
   * Found by {@code WatcherScenariosTest#directoriesReplacedBySymlinksWhileTheirEventsAreQueued} on a
   * loaded machine: a send naming {@code a/b/f} ran after {@code a} had been replaced by a symlink.
   * The path was missing and {@code a} was there, so {@code a/b} went as the topmost missing
   * ancestor; but rsync ({@code -R}) follows a symlink on the way to a path it is given, as a
   * directory. With a dangling symlink or one to itself it failed on every attempt (exit 23, and 2,
   * "needs an operator", once merged with the send of {@code a} itself: nothing queued behind it
   * went); with one to a directory outside the tree it made {@code a} a directory at the target,
   * where the source has a symlink, and said nothing. What replaced the directory is sent instead.
   */
  @ParameterizedTest
  @ValueSource(strings = {"nowhere", "a", "outside"})
  void aDirectoryReplacedByASymlinkBeforeASendBelowItRunsIsReplacedByTheSymlink(String link) throws Exception {
    byte[] outside = Trees.tempDir("vp-outside");
    try {
      Trees.write(Bytes.child(src, Bytes.of("kept.txt")), "kept");
      Trees.write(Bytes.child(dst, Bytes.of("a/b/f")), "sent before a was replaced");
      Trees.symlink(Bytes.child(src, Bytes.of("a")), link.equals("outside") ? outside : Bytes.of(link));
      Transport real = RsyncTransport.open(src, Bytes.latin1(dst), TargetOptions.defaults());
      var runner = runner(recording(real, false), src);
      runner.submit(new WorkItem.Send(List.of(Bytes.of("a/b/f"), Bytes.of("kept.txt")), false, 0, 0));
      runUntilIdle(runner);
      assertThat(runner.idle()).as("delivered, not retried forever").isTrue();
      assertThat(outcomes).as("every rsync run succeeded").containsOnly(Outcome.OK);
      assertThat(runs).as("rsync runs, in order").containsExactly(List.of("kept.txt"), List.of("a"));
      Trees.assertSameTree(src, dst, Trees.Ignore.DIR_MTIMES);
    } finally {
      Trees.delete(outside);
    }
  }

  /**
   * Found by the property test (a target without renames lost {@code a/c} and {@code a/f}): a send
   * naming {@code a/h}, run while {@code a} was gone, deleted all of {@code a} at the target, after
   * a send beside it (of {@code a/c}, {@code a/f}: not its paths, so nothing ordered the two) had
   * copied the new {@code a}'s files there. Each rsync run must get only paths at or below its own
   * item's paths; the gone parent goes as an item of its own, ordered behind the others under it.
   */
  @org.junit.jupiter.api.Test
  void eachRsyncRunGetsOnlyItsOwnItemsPaths() throws Exception {
    Trees.write(Bytes.child(src, Bytes.of("kept.txt")), "kept");
    Trees.write(Bytes.child(src, Bytes.of("b/f")), "beside");
    Trees.write(Bytes.child(dst, Bytes.of("a/h")), "deleted at the source with its parent");
    Trees.write(Bytes.child(dst, Bytes.of("a/old")), "also below the gone parent");
    Transport real = RsyncTransport.open(src, Bytes.latin1(dst), TargetOptions.defaults());
    var runner = runner(recording(real, false), src);
    runner.submit(new WorkItem.Send(List.of(Bytes.of("a/h"), Bytes.of("kept.txt")), false, 0, 0));
    runner.submit(new WorkItem.Send(List.of(Bytes.of("b/f")), false, 0, 0));
    runUntilIdle(runner);
    assertThat(runner.idle()).isTrue();
    assertThat(runs).as("rsync runs, in order: the gone parent `a` is not in the run of the item that named a/h")
        .containsExactly(List.of("kept.txt"), List.of("b/f"), List.of("a"));
    Trees.assertSameTree(src, dst, Trees.Ignore.DIR_MTIMES);
  }

  /**
   * Found by the reliability suite (mixed load, a local target): a send found {@code m669/...} gone
   * because {@code m669} had just been renamed to {@code m910} at the source. The deletion of
   * {@code m669} went ahead of the rename queued behind it: the rename in place found nothing, the new
   * name's files went over the wire again, and --max-delete counted the renamed tree as deleted (192
   * of 350 entries) and held every deletion after it. The rename now moves the old name in place,
   * and no run deletes it alone.
   */
  @org.junit.jupiter.api.Test
  void aGoneParentThatWasRenamedIsMovedByItsRenameNotDeletedBeforeIt() throws Exception {
    long inode = renamedAtTheSource();
    Transport real = RsyncTransport.open(src, Bytes.latin1(dst), TargetOptions.defaults());
    var runner = runner(recording(real, true), src);
    runner.submit(new WorkItem.Send(List.of(Bytes.of("a/b/f"), Bytes.of("kept.txt")), false, 0, 0));
    turn(runner); // runs while `a` is already `c` at the source, before the rename's events are queued
    runner.submit(new WorkItem.Rename(Bytes.of("a"), Bytes.of("c"), true, 0)); // as the coalescer queues them
    runner.submit(new WorkItem.Send(List.of(Bytes.of("a"), Bytes.of("c")), true, 0, 0));
    assertRenamedInPlace(runner, inode);
  }

  /**
   * Found by the reliability suite (mixed load, 3,000 ops/s): the send found {@code a} gone a second
   * before the engine read {@code a}'s rename from the kernel, so the rename was not queued yet when
   * the deletion started: it deleted {@code a} and the renamed tree went whole (24,000 files). The
   * deletion now waits until the source has been read up to when it was queued.
   */
  @org.junit.jupiter.api.Test
  void aGoneParentWaitsUntilTheSourceIsReadUpToIt() throws Exception {
    long inode = renamedAtTheSource();
    Transport real = RsyncTransport.open(src, Bytes.latin1(dst), TargetOptions.defaults());
    var runner = runner(recording(real, true), src, reads);
    runner.submit(new WorkItem.Send(List.of(Bytes.of("a/b/f"), Bytes.of("kept.txt")), false, 0, 0));
    turn(runner); // finds `a` gone: its deletion is queued
    assertThat(runner.nextWakeNanos()).as("the loop is asked to read the source now").isEqualTo(clock.nanos());
    turn(runner);
    turn(runner); // the engine is behind the kernel: the rename is not read yet
    assertThat(runs).as("nothing deleted before the source is read").containsExactly(List.of("kept.txt"));
    runner.submit(new WorkItem.Rename(Bytes.of("a"), Bytes.of("c"), true, 0)); // read now, queued as the coalescer does
    runner.submit(new WorkItem.Send(List.of(Bytes.of("a"), Bytes.of("c")), true, 0, 0));
    readThrough = marks;
    assertRenamedInPlace(runner, inode);
  }

  /**
   * Found by the reliability suite (mixed load, after the load): a batch naming {@code p} as a tree,
   * cut before {@code p/a} was renamed to {@code p/c}, ran ahead of that rename: mirroring {@code p},
   * rsync deleted {@code p/a} at the target and copied {@code p/c} whole (25,000 files). The rename
   * now goes first (when the batch has not started): it moves {@code p/a} in place, and the batch
   * finds {@code p/c} there.
   */
  @org.junit.jupiter.api.Test
  void aRenameBelowATreeQueuedBeforeItGoesFirst() throws Exception {
    Trees.write(Bytes.child(src, Bytes.of("p/kept.txt")), "kept");
    for (byte[] root : List.of(Bytes.child(src, Bytes.of("p/c")), Bytes.child(dst, Bytes.of("p/a")))) {
      Trees.write(Bytes.child(root, Bytes.of("b/f")), "the renamed directory's file");
      Trees.setMtime(Bytes.child(root, Bytes.of("b/f")), 1_700_000_000L);
    }
    long inode = Libc.lstatOrNull(Bytes.child(dst, Bytes.of("p/a/b/f"))).ino();
    Transport real = RsyncTransport.open(src, Bytes.latin1(dst), TargetOptions.defaults());
    var runner = runner(recording(real, true), src);
    runner.submit(new WorkItem.Send(List.of(Bytes.of("p")), true, 0, 0)); // cut before the rename
    runner.submit(new WorkItem.Rename(Bytes.of("p/a"), Bytes.of("p/c"), true, 0));
    runner.submit(new WorkItem.Send(List.of(Bytes.of("p/a"), Bytes.of("p/c")), true, 0, 0));
    runUntilIdle(runner);
    assertThat(runner.idle()).isTrue();
    assertThat(Libc.lstatOrNull(Bytes.child(dst, Bytes.of("p/c/b/f"))).ino()).as("renamed in place, not sent again").isEqualTo(inode);
    Trees.assertSameTree(src, dst, Trees.Ignore.DIR_MTIMES);
  }

  /**
   * Two batches find the same parent gone: one deletion of it is queued, not one per batch (dozens
   * under a rename storm; each was left to the next and cost no rsync run, but a turn each).
   */
  @org.junit.jupiter.api.Test
  void aParentFoundGoneByTwoBatchesIsDeletedOnce() throws Exception {
    var runner = aGoneAtTheSource();
    runner.submit(new WorkItem.Send(List.of(Bytes.of("a/b/g")), false, 0, 0));
    turn(runner); // both run (two workers), both find `a` gone
    assertThat(runner.queued()).as("one deletion waits for the read of the source").isEqualTo(1);
    readThrough = marks;
    runUntilIdle(runner);
    assertThat(runner.idle()).isTrue();
    assertThat(runs).as("one deletion of `a`").containsExactly(List.of("kept.txt"), List.of("a"));
    Trees.assertSameTree(src, dst, Trees.Ignore.DIR_MTIMES);
  }

  /** A source never read up to the mark (the engine far behind) holds the deletion 10 s, no longer. */
  @org.junit.jupiter.api.Test
  void aGoneParentIsDeletedAfterTenSecondsEvenIfTheSourceIsNotReadUpToIt() throws Exception {
    var runner = aGoneAtTheSource();
    turn(runner);
    for (int s = 1; s < 10; s++) turn(runner);
    assertThat(runs).as("held for 9 s").containsExactly(List.of("kept.txt"));
    turn(runner);
    turn(runner);
    assertThat(runs).as("then deleted").containsExactly(List.of("kept.txt"), List.of("a"));
    assertThat(runner.idle()).isTrue();
    Trees.assertSameTree(src, dst, Trees.Ignore.DIR_MTIMES);
  }

  /** {@code a/b/f} at the target, renamed to {@code c} at the source (beside {@code kept.txt}); returns the target file's inode. */
  private long renamedAtTheSource() {
    Trees.write(Bytes.child(src, Bytes.of("kept.txt")), "kept");
    for (byte[] root : List.of(Bytes.child(src, Bytes.of("c")), Bytes.child(dst, Bytes.of("a")))) {
      Trees.write(Bytes.child(root, Bytes.of("b/f")), "the renamed directory's file");
      Trees.setMtime(Bytes.child(root, Bytes.of("b/f")), 1_700_000_000L);
    }
    return Libc.lstatOrNull(Bytes.child(dst, Bytes.of("a/b/f"))).ino();
  }

  /** Runs until idle: `a` moved to `c` by its rename (the same inode), never deleted alone. */
  private void assertRenamedInPlace(TargetRunner runner, long inode) {
    runUntilIdle(runner);
    assertThat(runner.idle()).isTrue();
    assertThat(runs).as("rsync runs, in order: no deletion of `a` alone").containsExactly(List.of("kept.txt"), List.of("a", "c"));
    assertThat(Libc.lstatOrNull(Bytes.child(dst, Bytes.of("c/b/f"))).ino()).as("renamed in place, not sent again").isEqualTo(inode);
    Trees.assertSameTree(src, dst, Trees.Ignore.DIR_MTIMES);
  }

  /**
   * {@code a/b/f} at the target, {@code a} gone at the source; a runner on the loop of {@link
   * #reads} with a send of {@code a/b/f} and {@code kept.txt} queued.
   */
  private TargetRunner aGoneAtTheSource() throws Exception {
    Trees.write(Bytes.child(src, Bytes.of("kept.txt")), "kept");
    Trees.write(Bytes.child(dst, Bytes.of("a/b/f")), "deleted at the source with its parent");
    Transport real = RsyncTransport.open(src, Bytes.latin1(dst), TargetOptions.defaults());
    var runner = runner(recording(real, true), src, reads);
    runner.submit(new WorkItem.Send(List.of(Bytes.of("a/b/f"), Bytes.of("kept.txt")), false, 0, 0));
    return runner;
  }

  /** Marks are numbered; the source counts as read up to {@link #readThrough}. */
  long marks;
  long readThrough;
  final TargetRunner.Loop reads = new TargetRunner.Loop() {
    public void execute(Runnable r) { loop.add(r); }
    public long sourceReadMark() { return ++marks; }
    public boolean sourceReadSince(long mark) { return readThrough >= mark; }
  };

  /** {@code real}, recording each send's paths and outcome (failed attempts included). */
  private Transport recording(Transport real, boolean canRename) {
    return new Transport() {
      public String describe() { return real.describe(); }
      public dev.livesync.transport.TransferResult send(List<byte[]> paths, boolean recursive) throws InterruptedException {
        synchronized (runs) { runs.add(paths.stream().map(Bytes::display).toList()); }
        var r = real.send(paths, recursive);
        synchronized (outcomes) { outcomes.add(r.outcome()); }
        return r;
      }
      public dev.livesync.transport.TransferResult fullSync(boolean delete) throws InterruptedException { return real.fullSync(delete); }
      public boolean rename(byte[] from, byte[] to) throws InterruptedException { return real.rename(from, to); }
      public boolean canRename() { return canRename; }
    };
  }

  /** A runner of two workers on {@code t}, its work run by this test's hand (see {@link #runUntilIdle}). */
  private TargetRunner runner(Transport t, byte[] src) {
    return runner(t, src, loop::add);
  }

  private TargetRunner runner(Transport t, byte[] src, TargetRunner.Loop loop) {
    return new TargetRunner(t, clock,
        new RunnerSettings(2, new Backoff(1_000_000L, 10_000_000L, new SplittableRandom(1)), new Backoff(1_000_000L, 10_000_000L, new SplittableRandom(2)), 1_000_000),
        new ItemExecutor.Config(DeletePolicy.ALWAYS, new Probe(src), null),
        workers::add, loop, null, (tg, i, r, n) -> {}, (tg, o, m) -> {});
  }

  /** The source as the engine's probe answers: a regular file's size (0 for anything else there, -1 where nothing is), and whether a path is a directory. */
  private static final class Probe implements Batcher.SizeProbe, Batcher.DirProbe {
    private final byte[] src;

    Probe(byte[] src) {
      this.src = src;
    }

    @Override
    public long size(byte[] p) {
      Libc.Stat st = Libc.lstatOrNull(Bytes.child(src, p));
      return st == null ? -1 : st.isRegular() ? st.size() : 0;
    }

    @Override
    public boolean isDir(byte[] p) {
      Libc.Stat st = Libc.lstatOrNull(Bytes.child(src, p));
      return st != null && st.isDir();
    }
  }

  /** Turns (a second apart on the fake clock: retry delays pass) until the runner is idle, at most 6. */
  private void runUntilIdle(TargetRunner runner) {
    for (int turn = 0; turn < 6 && !runner.idle(); turn++) turn(runner);
  }

  /** One turn, a second after the last: what may start runs, and its results are handed back. */
  private void turn(TargetRunner runner) {
    clock.advanceMillis(1000);
    runner.dispatch();
    while (!workers.isEmpty()) workers.poll().run();
    while (!loop.isEmpty()) loop.poll().run();
  }
}
