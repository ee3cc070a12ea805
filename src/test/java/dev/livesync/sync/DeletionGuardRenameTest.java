package dev.livesync.sync;

import static dev.livesync.testing.Trees.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.fs.Bytes;
import dev.livesync.fs.Libc;
import dev.livesync.settings.MaxDelete;
import dev.livesync.testing.RsyncDaemon;
import dev.livesync.testing.Trees;
import dev.livesync.transport.RsyncTransport;
import dev.livesync.transport.TargetOptions;
import dev.livesync.transport.TransferResult;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The mass-deletion guard with the real rsync on a local directory, driven batch by batch as a daemon
 * target's runner drives it (no renames in place: a rename is its old name deleted and its new one
 * sent). A directory holding most of the tree renamed twice in a row: the batch deleting the first
 * name finds the second already gone from the source (renamed on), so by itself it makes nothing and
 * deletes everything. What the source lost in all is nothing, and nothing may be held.
 */
class DeletionGuardRenameTest {
  final byte[] src = Trees.tempDir("guard-ren-src");
  final byte[] dst = Trees.tempDir("guard-ren-dst");
  final byte[] state = Trees.tempDir("guard-ren-state");
  final FakeClock clock = new FakeClock();
  /** The renames the source's events would have told the guard of: each test says which. */
  final RecentNames names = new RecentNames(clock);

  @AfterEach
  void cleanUp() {
    for (byte[] d : List.of(src, dst, state)) Trees.delete(d);
  }

  /** A rename at the source, which its events tell the guard of. */
  private void rename(String from, String to) {
    Libc.rename(at(src, from), at(src, to));
    names.renamedTo(Bytes.of(to));
  }

  private DeletionGuard guard() {
    return guard(RsyncTransport.open(src, Bytes.latin1(dst), TargetOptions.builder().build()));
  }

  private DeletionGuard guard(dev.livesync.transport.Transport transport) {
    return new DeletionGuard(transport, new MaxDelete(50, -1), clock, p -> {
      var st = Libc.lstatOrNull(Bytes.child(src, p));
      return st == null ? -1 : 0;
    }, TreeCount.trees(src, Excludes.NONE), "s", new HeldDeletions(Trees.path(state).resolve("held")), names);
  }

  @Test
  void aDirectoryRenamedOnBeforeItsBatchRanIsNotAMassDeletion() throws Exception {
    for (int i = 0; i < 300; i++) Trees.write(at(src, "top/d" + i % 10 + "/f" + i), "file " + i);
    Trees.write(at(src, "beside"), "one file outside");
    var guard = guard();
    assertThat(guard.fullSync(true).outcome()).isEqualTo(TransferResult.Outcome.OK);

    rename("top", "first");
    rename("first", "second");
    // the batch cut after the first rename: its new name is gone again when it runs
    TransferResult r = guard.send(List.of(Bytes.of("top"), Bytes.of("first")), true);
    assertThat(r.outcome()).isEqualTo(TransferResult.Outcome.OK);
    assertThat(guard.held()).as("deletions held").isZero();
    // the batch after the second rename brings the new name
    guard.send(List.of(Bytes.of("first"), Bytes.of("second")), true);
    Trees.assertSameTree(src, dst, Trees.Ignore.DIR_MTIMES);
    assertThat(guard.held()).isZero();
  }

  /**
   * On a daemon target a renamed directory is made from its old copy ({@code --link-dest}) before the
   * batch deleting the old name: those deletions lose nothing, in that batch and in the minute after
   * it. Three renames of a third of the tree each, then one file deleted: nothing may be held.
   */
  @Test
  void directoriesCopiedToTheirNewNameOnADaemonDoNotAddUpToAMassDeletion() throws Exception {
    onADaemon(i -> "d" + i % 3, guard -> {
      for (int d = 0; d < 3; d++) {
        renameAsADaemonTargetsRunnerDoes(guard, "d" + d, "renamed" + d);
        assertThat(guard.held()).as("held after renaming d%d", d).isZero();
      }
      Trees.delete(at(src, "beside"));
      guard.send(List.of(Bytes.of("beside")), false);
      assertThat(guard.held()).as("one file deleted after the renames").isZero();
    });
  }

  /** The same for one directory that holds most of the tree: its own batch deletes more than the limit. */
  @Test
  void aDirectoryHoldingMostOfTheTreeCopiedToItsNewNameOnADaemonIsNotHeld() throws Exception {
    onADaemon(i -> "top/d" + i % 10, guard -> {
      renameAsADaemonTargetsRunnerDoes(guard, "top", "moved");
      assertThat(guard.held()).as("deletions held").isZero();
    });
  }

  /** Counts the sends whose paths all lie in {@code big/} (a renamed directory's parts) and how many ran at once. */
  static final class PartSends extends dev.livesync.transport.ForwardingTransport {
    final List<List<String>> parts = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    private final java.util.concurrent.atomic.AtomicInteger running = new java.util.concurrent.atomic.AtomicInteger();
    final java.util.concurrent.atomic.AtomicInteger mostAtOnce = new java.util.concurrent.atomic.AtomicInteger();

    PartSends(dev.livesync.transport.Transport inner) {
      super(inner);
    }

    @Override
    public TransferResult send(List<byte[]> paths, boolean recursive, long maxDeletions) throws InterruptedException {
      boolean part = paths.stream().allMatch(p -> Bytes.latin1(p).startsWith("big/"));
      if (part) {
        parts.add(paths.stream().map(Bytes::latin1).toList());
        mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
      }
      try {
        return super.send(paths, recursive, maxDeletions);
      } finally {
        if (part) running.decrementAndGet();
      }
    }
  }

  /**
   * A renamed directory of 12,000 entries on a daemon: after its copy, its old name is deleted in
   * parts side by side (one per core, up to 4; the daemon deletes entry after entry in one receiver),
   * each of its entries in exactly one part, then the old name itself; nothing is held.
   */
  @Test
  void aLargeRenamedDirectoryIsDeletedInPartsSideBySide() throws Exception {
    int cores = Math.min(4, Runtime.getRuntime().availableProcessors());
    org.junit.jupiter.api.Assumptions.assumeTrue(cores > 1, "one core: one run");
    for (int i = 0; i < 12_000; i++) Trees.write(at(src, "big/d" + i % 10 + "/f" + i), "f" + i);
    Trees.chmod(src, 0755);
    Trees.chmod(dst, 0755);
    try (var daemon = RsyncDaemon.start(Trees.path(dst))) {
      var sends = new PartSends(RsyncTransport.open(src, daemon.url(), TargetOptions.defaults()));
      var guard = guard(sends);
      assertThat(guard.fullSync(true).outcome()).isEqualTo(TransferResult.Outcome.OK);
      rename("big", "moved");
      assertThat(guard.rename(Bytes.of("big"), Bytes.of("moved"))).as("made from the old copy").isTrue();

      assertThat(Trees.exists(at(dst, "big"))).as("the old name at the target").isFalse();
      assertThat(guard.held()).as("deletions held").isZero();
      assertThat(sends.parts).as("the parts").hasSize(cores);
      assertThat(sends.parts.stream().flatMap(List::stream).sorted().toList()).as("every entry in one part")
          .isEqualTo(java.util.stream.IntStream.range(0, 10).mapToObj(d -> "big/d" + d).toList());
      assertThat(sends.mostAtOnce.get()).as("parts running at once").isGreaterThan(1);
      Trees.assertSameTree(src, dst, Trees.Ignore.DIR_MTIMES);
    }
  }

  interface GuardSteps {
    void run(DeletionGuard guard) throws Exception;
  }

  /** 300 files (file i in {@code dirOf(i)}) and one beside them, synced to a real daemon; then {@code steps}; then the trees equal. */
  private void onADaemon(java.util.function.IntFunction<String> dirOf, GuardSteps steps) throws Exception {
    for (int i = 0; i < 300; i++) Trees.write(at(src, dirOf.apply(i) + "/f" + i), heavy(i, 12 << 10));
    Trees.write(at(src, "beside"), "one file outside");
    Trees.chmod(src, 0755);
    Trees.chmod(dst, 0755);
    try (var daemon = RsyncDaemon.start(Trees.path(dst))) {
      var guard = guard(RsyncTransport.open(src, daemon.url(), TargetOptions.defaults()));
      assertThat(guard.fullSync(true).outcome()).isEqualTo(TransferResult.Outcome.OK);
      steps.run(guard);
      Trees.assertSameTree(src, dst, Trees.Ignore.DIR_MTIMES);
    }
  }

  /**
   * File {@code i}'s content, {@code size} bytes: a directory of them is heavy enough for a daemon
   * to make it from its old copy ({@link dev.livesync.transport.RsyncTransport}'s daemon kind copies from 1 MiB or 1,000 entries).
   */
  static String heavy(int i, int size) {
    String line = "file " + i + "\n";
    return line.repeat(size / line.length() + 1);
  }

  /** Renamed at the source; the new name made from the old copy on the daemon; then the batch of both names. */
  private void renameAsADaemonTargetsRunnerDoes(DeletionGuard guard, String old, String now) throws Exception {
    byte[] from = Bytes.of(old), to = Bytes.of(now);
    Libc.rename(Bytes.child(src, from), Bytes.child(src, to));
    names.renamedTo(to);
    assertThat(guard.rename(from, to)).as("made from the old copy").isTrue();
    assertThat(guard.send(List.of(from, to), true).outcome()).isEqualTo(TransferResult.Outcome.OK);
  }

  /**
   * A chain of renames on a daemon target, as the fast mixed load makes them: renamed on before its
   * copy ran, the first copy fails (its new name is gone), so the batch of both names deletes the old
   * name with nothing made beside it; the second copy then makes the tree again at its last name. The
   * minute's count is net of what the copy made: a file deleted afterwards is not held (it was, with
   * "1 paths (423 deleted in the last minute)", when copies were not counted).
   */
  @Test
  void aChainOfRenamesWhoseFirstCopyFailedLeavesNothingCountedAsLost() throws Exception {
    onADaemon(i -> "top/d" + i % 10, guard -> {
      rename("top", "first");
      rename("first", "second");
      assertThat(guard.rename(Bytes.of("top"), Bytes.of("first"))).as("a copy to a name already gone").isFalse();
      assertThat(guard.send(List.of(Bytes.of("top"), Bytes.of("first")), true).outcome()).isEqualTo(TransferResult.Outcome.OK);
      assertThat(guard.held()).as("held after the old name's batch").isZero();
      assertThat(guard.rename(Bytes.of("first"), Bytes.of("second"))).as("the second copy").isTrue();
      assertThat(guard.send(List.of(Bytes.of("first"), Bytes.of("second")), true).outcome()).isEqualTo(TransferResult.Outcome.OK);
      Trees.delete(at(src, "beside"));
      guard.send(List.of(Bytes.of("beside")), false);
      assertThat(guard.held()).as("one file deleted after the chain").isZero();
    });
  }

  /**
   * The new name renamed on at the source between the daemon's copy of it and the old name's deletion:
   * the source no longer counts the new name's entries, but the copy made them, and the old name is
   * no loss in the minute. The batch deleting the copy after it (its name gone from the source, the
   * last name not sent yet) was held ("311 deleted in the last minute") when the copy was counted from the source.
   */
  @Test
  void aCopyWhoseNewNameWasRenamedOnBeforeTheOldNameWentIsNoLoss() throws Exception {
    for (int i = 0; i < 300; i++) Trees.write(at(src, "top/d" + i % 10 + "/f" + i), heavy(i, 12 << 10));
    Trees.write(at(src, "beside"), "one file outside");
    onADaemonWhoseCopies(made -> {
      rename("first", "second"); // the source moves on
      return made;
    }, guard -> {
      rename("top", "first");
      assertThat(guard.rename(Bytes.of("top"), Bytes.of("first"))).as("made from the old copy").isTrue();
      assertThat(Trees.exists(at(dst, "top"))).as("the old name deleted").isFalse();
      assertThat(guard.send(List.of(Bytes.of("top"), Bytes.of("first")), true).outcome()).isEqualTo(TransferResult.Outcome.OK);
      assertThat(guard.held()).as("held after the copy's batch").isZero();
      guard.send(List.of(Bytes.of("first"), Bytes.of("second")), true);
      Trees.assertSameTree(src, dst, Trees.Ignore.DIR_MTIMES);
      assertThat(guard.held()).isZero();
    });
  }

  /** What a daemon target's copy of a renamed directory is followed by at the source, and what the copy then returns (failure injection). */
  interface AfterCopy {
    boolean after(boolean made);
  }

  /** A guard on a real daemon serving {@code dst}, the source synced to it, whose renames' copies are followed by {@code after}; then {@code steps}. */
  private void onADaemonWhoseCopies(AfterCopy after, GuardSteps steps) throws Exception {
    Trees.chmod(src, 0755);
    Trees.chmod(dst, 0755);
    try (var daemon = RsyncDaemon.start(Trees.path(dst))) {
      var guard = guard(new dev.livesync.transport.ForwardingTransport(RsyncTransport.open(src, daemon.url(), TargetOptions.defaults())) {
        @Override
        public boolean rename(byte[] from, byte[] to) throws InterruptedException {
          return after.after(super.rename(from, to));
        }
      });
      assertThat(guard.fullSync(true).outcome()).isEqualTo(TransferResult.Outcome.OK);
      steps.run(guard);
    }
  }

  @Test
  void aDirectoryDeletedIsStillHeld() throws Exception {
    for (int i = 0; i < 300; i++) Trees.write(at(src, "top/d" + i % 10 + "/f" + i), "file " + i);
    Trees.write(at(src, "beside"), "one file outside");
    var guard = guard();
    guard.fullSync(true);
    Trees.delete(at(src, "top"));
    guard.send(List.of(Bytes.of("top")), true);
    assertThat(guard.held()).isPositive();
    assertThat(Trees.exists(at(dst, "top/d1/f1"))).isTrue();
  }

  /**
   * The old name is gone from the daemon as soon as the rename returns (the batch after it has
   * nothing left to delete), and a whole-tree dry run started while the copy runs waits for the old
   * name's deletion: it never sees both names (it would count the old one as lost).
   */
  @Test
  void aWholeTreeDryRunNeverSeesBothNamesOfARenamedDirectory() throws Exception {
    for (int i = 0; i < 300; i++) Trees.write(at(src, "top/d" + i % 10 + "/f" + i), heavy(i, 4 << 10));
    Trees.chmod(src, 0755);
    Trees.chmod(dst, 0755);
    try (var daemon = RsyncDaemon.start(Trees.path(dst))) {
      var copied = new java.util.concurrent.CountDownLatch(1);
      var bothSeen = new java.util.concurrent.atomic.AtomicBoolean();
      var transport = new dev.livesync.transport.ForwardingTransport(RsyncTransport.open(src, daemon.url(), TargetOptions.defaults())) {
        @Override
        public boolean rename(byte[] from, byte[] to) throws InterruptedException {
          boolean ok = inner.rename(from, to);
          copied.countDown();
          Thread.sleep(500); // failure injection: a slow moment between the copy and the old name's deletion
          return ok;
        }

        @Override
        public dev.livesync.transport.DeletionPreview fullSyncDeletions() throws InterruptedException {
          if (Trees.exists(at(dst, "top")) && Trees.exists(at(dst, "moved"))) bothSeen.set(true);
          return inner.fullSyncDeletions();
        }
      };
      var guard = guard(transport);
      assertThat(guard.fullSync(true).outcome()).isEqualTo(TransferResult.Outcome.OK);
      rename("top", "moved");
      var judged = Thread.ofPlatform().start(() -> {
        try {
          copied.await();
          guard.fullSync(true);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      assertThat(guard.rename(Bytes.of("top"), Bytes.of("moved"))).isTrue();
      assertThat(Trees.exists(at(dst, "top"))).as("the old name, once the rename returned").isFalse();
      judged.join();
      assertThat(bothSeen).as("a dry run saw both names").isFalse();
      assertThat(guard.held()).isZero();
      Trees.assertSameTree(src, dst, Trees.Ignore.DIR_MTIMES);
    }
  }

  /** A copy that stopped because its new name left the source meanwhile leaves nothing of it behind; the old name stays for the batch. */
  @Test
  void aCopyWhoseNewNameLeftTheSourceIsRemovedAgain() throws Exception {
    for (int i = 0; i < 30; i++) Trees.write(at(src, "top/f" + i), heavy(i, 40 << 10));
    onADaemonWhoseCopies(made -> {
      rename("moved", "again"); // renamed on while the copy ran
      return false;
    }, guard -> {
      rename("top", "moved");
      assertThat(guard.rename(Bytes.of("top"), Bytes.of("moved"))).isFalse();
      assertThat(Trees.exists(at(dst, "moved"))).as("the copy's part").isFalse();
      assertThat(Trees.exists(at(dst, "top/f1"))).as("the old name").isTrue();
      guard.send(List.of(Bytes.of("top"), Bytes.of("again")), true);
      Trees.assertSameTree(src, dst, Trees.Ignore.DIR_MTIMES);
      assertThat(guard.held()).isZero();
    });
  }

  /**
   * A directory sent whole goes without a dry run first (nothing is known to be deleted in it), but
   * deleting nothing: most of its files gone at the source is still judged, and held.
   */
  @Test
  void filesGoneInsideADirectorySentWholeAreStillJudged() throws Exception {
    filesGoneInsideADirectorySentWholeAreJudged(RsyncTransport.open(src, Bytes.latin1(dst), TargetOptions.builder().build()));
  }

  /** The same on a daemon, where rsync exits 0 when --max-delete stopped deletions and only warns. */
  @Test
  void filesGoneInsideADirectorySentWholeToADaemonAreStillJudged() throws Exception {
    Trees.chmod(src, 0755);
    Trees.chmod(dst, 0755);
    try (var daemon = RsyncDaemon.start(Trees.path(dst))) {
      filesGoneInsideADirectorySentWholeAreJudged(RsyncTransport.open(src, daemon.url(), TargetOptions.defaults()));
    }
  }

  /** Pushed to a daemon, rsync exits 0 though --max-delete stopped its deletions (it only says so): read as 25, as elsewhere. */
  @Test
  void aDaemonsRunThatMaxDeleteStoppedIsReadAsExit25() throws Exception {
    Trees.write(at(src, "d/kept"), "kept");
    Trees.write(at(src, "d/gone"), "gone soon");
    Trees.chmod(src, 0755);
    Trees.chmod(dst, 0755);
    try (var daemon = RsyncDaemon.start(Trees.path(dst))) {
      var t = RsyncTransport.open(src, daemon.url(), TargetOptions.defaults());
      assertThat(t.fullSync(true).outcome()).isEqualTo(TransferResult.Outcome.OK);
      Trees.delete(at(src, "d/gone"));
      assertThat(t.send(List.of(Bytes.of("d")), true, 0).exitCode()).as("exit of a run --max-delete=0 stopped").isEqualTo(25);
      assertThat(Trees.exists(at(dst, "d/gone"))).isTrue();
    }
  }

  private void filesGoneInsideADirectorySentWholeAreJudged(dev.livesync.transport.Transport target) throws Exception {
    for (int i = 0; i < 300; i++) Trees.write(at(src, "top/d" + i % 10 + "/f" + i), "file " + i);
    Trees.write(at(src, "beside"), "one file outside");
    var previews = new java.util.concurrent.atomic.AtomicInteger();
    var transport = new dev.livesync.transport.ForwardingTransport(target) {
      @Override
      public dev.livesync.transport.DeletionPreview sendDeletions(List<byte[]> paths, boolean recursive) throws InterruptedException {
        previews.incrementAndGet();
        return inner.sendDeletions(paths, recursive);
      }
    };
    var guard = guard(transport);
    guard.fullSync(true);
    Trees.write(at(src, "top/d3/new"), "a new file");
    assertThat(guard.send(List.of(Bytes.of("top/d3")), true).outcome()).isEqualTo(TransferResult.Outcome.OK);
    assertThat(previews).as("dry runs of a send with nothing to delete").hasValue(0);
    assertThat(Trees.exists(at(dst, "top/d3/new"))).isTrue();

    Trees.delete(at(src, "top/d3/f3"));
    guard.send(List.of(Bytes.of("top/d3")), true);
    assertThat(previews).as("dry runs once rsync found a file to delete").hasValue(1);
    assertThat(Trees.exists(at(dst, "top/d3/f3"))).as("a file deleted inside a directory sent whole").isFalse();

    for (int d = 0; d < 10; d++) Trees.delete(at(src, "top/d" + d));
    guard.send(List.of(Bytes.of("top")), true);
    assertThat(previews).as("dry runs once rsync found files to delete").hasValue(2);
    assertThat(guard.held()).isPositive();
    assertThat(Trees.exists(at(dst, "top/d1/f1"))).isTrue();
  }
}
