package dev.livesync.sync;

import static dev.livesync.testing.Trees.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.fs.Bytes;
import dev.livesync.fs.Libc;
import dev.livesync.fs.WriterProbe;
import dev.livesync.testing.Trees;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The coalescer's rules on a fake clock. Whether a held path is open for writing is asked of the
 * real {@link WriterProbe} about real files under {@link #root} (paths that do not exist there are
 * not being written by anyone).
 */
class CoalescerTest {
  final FakeClock clock = new FakeClock();
  final byte[] root = Trees.tempDir("coalescer");
  final Coalescer c = new Coalescer(clock, 5_000_000_000L, rel -> WriterProbe.beingWritten(Bytes.child(root, rel)));

  @AfterEach
  void cleanUp() {
    Trees.delete(root);
  }

  /** A writer holding {@code rel} open for writing (as an editor, a log or a long copy would). */
  FileChannel openForWriting(String rel) throws IOException {
    Trees.write(at(root, rel), "being written");
    return FileChannel.open(Trees.path(at(root, rel)), StandardOpenOption.WRITE, StandardOpenOption.APPEND);
  }

  static byte[] b(String s) {
    return Bytes.of(s);
  }

  List<String> drain() {
    List<String> out = new ArrayList<>();
    c.releaseExpiredHolds();
    c.drainReady(Integer.MAX_VALUE, e -> out.add(Bytes.display(e.path()) + (e.recursive() ? "/**" : "")));
    return out;
  }

  /** Each drained path with "+" when it may have new content under its old size and mtime, "=" when only its attributes changed. */
  List<String> drainContent() {
    List<String> out = new ArrayList<>();
    c.releaseExpiredHolds();
    c.drainReady(Integer.MAX_VALUE, e -> out.add(Bytes.display(e.path()) + (e.attributesOnly() ? "=" : "+")));
    return out;
  }

  @Test
  void onlyAPathWhoseAttributesAloneChangedIsComparedBySizeAndMtime() {
    c.changed(b("chmod"));
    c.changed(b("written"));
    c.modified(b("written"));
    c.closedWrite(b("written"));
    c.created(b("new"), false);
    c.deleted(b("old"), false);
    c.movedTo(1, b("moved-in"), false);
    assertThat(drainContent()).containsExactlyInAnyOrder("chmod=", "written+", "new+", "old+", "moved-in+");
    // the attributes changed after the content: still the content
    c.closedWrite(b("both"));
    c.changed(b("both"));
    assertThat(drainContent()).containsExactly("both+");
  }

  /** dpkg: NAME.dpkg-new renamed over NAME, with the mtime (and maybe the size) NAME had. */
  @Test
  void aFileRenamedOverAnotherIsComparedByContentUnlessEveryTargetRenamedItInPlace() {
    c.emitRenames(false, false, false); // daemon targets: the send of the new name carries the data
    c.movedFrom(1, b("version.dpkg-new"), false);
    c.movedTo(1, b("version"), false);
    assertThat(drainContent()).containsExactlyInAnyOrder("version.dpkg-new+", "version+");
    c.emitRenames(true, true, false); // a local target and a daemon: the daemon still needs the data
    c.movedFrom(2, b("a.dpkg-new"), false);
    c.movedTo(2, b("a"), false);
    assertThat(c.takeRenames()).hasSize(1);
    assertThat(drainContent()).contains("a+");
    c.emitRenames(true, true, true); // every target renamed it in place: the send only confirms
    c.movedFrom(3, b("b.dpkg-new"), false);
    c.movedTo(3, b("b"), false);
    assertThat(c.takeRenames()).hasSize(1);
    assertThat(drainContent()).contains("b=");
    // written under its old name, then renamed before any send: no target has the data yet
    c.created(b("c.dpkg-new"), false);
    c.closedWrite(b("c.dpkg-new"));
    c.movedFrom(4, b("c.dpkg-new"), false);
    c.movedTo(4, b("c"), false);
    assertThat(drainContent()).containsExactly("c+");
  }

  @Test
  void createModifyCloseIsOneSend() {
    c.created(b("a"), false);
    c.modified(b("a"));
    c.modified(b("a"));
    assertThat(drain()).isEmpty(); // still open for writing
    c.closedWrite(b("a"));
    assertThat(drain()).containsExactly("a");
    assertThat(c.size()).isZero();
  }

  @Test
  void createThenDeleteIsNothing() {
    c.created(b("t.tmp"), false);
    c.modified(b("t.tmp"));
    c.closedWrite(b("t.tmp"));
    c.deleted(b("t.tmp"), false);
    assertThat(drain()).isEmpty();
  }

  /**
   * git's ref locks: a batch carried the directory's mtime as rsync read it; then a lock file came
   * and went in it (git gc). Nothing to send for the lock, but the directory's mtime changed again.
   */
  @Test
  void aNameThatCameAndWentStillReconcilesItsDirectory() {
    c.deleted(b("refs/origin/main"), false);
    assertThat(drain()).containsExactly("refs/origin/main");
    c.created(b("refs/origin/main.lock"), false);
    c.deleted(b("refs/origin/main.lock"), false);
    assertThat(drain()).containsExactly("refs/origin");
    c.created(b("d/.tmp1"), false);
    c.movedFrom(1, b("d/.tmp1"), false);
    c.movedTo(1, b("e/final"), false);
    assertThat(drain()).containsExactlyInAnyOrder("d", "e/final");
  }

  @Test
  void createThenDeleteStillSendsWhileATreeTransferMayHaveCopiedIt() {
    c.treeTransferActive(true);
    c.created(b("t"), false);
    c.deleted(b("t"), false);
    assertThat(drain()).containsExactly("t");
  }

  /**
   * A send of a name that starts after the name was made again (queued behind the target, a retry),
   * or runs while it is made again, may copy the new file: its removal is then sent, not dropped.
   * Once no such send runs, a name made and removed between two batches is nothing again.
   */
  @Test
  void createThenDeleteStillSendsWhenASendOfThatNameMayHaveCopiedIt() {
    WorkItem.Send send = new WorkItem.Send(List.of(b("d/t")), false, 0, 0);
    c.created(b("d"), true);
    c.created(b("d/t"), false);
    c.sends.started("target", send); // queued before d/t was made, it starts after
    c.deleted(b("d/t"), false);
    c.deleted(b("d"), true);
    assertThat(drain()).containsExactly("d/**");
    c.created(b("d"), true); // made while the send runs (with d/t in it before rsync looked)
    c.created(b("d/t"), false);
    c.deleted(b("d/t"), false);
    c.deleted(b("d"), true);
    assertThat(drain()).containsExactly("d/**");
    c.sends.finished("target", send, null, 0);
    c.created(b("d/t"), false);
    c.deleted(b("d/t"), false);
    assertThat(drain()).containsExactly("d");
    var tree = new WorkItem.Send(List.of(b("d/t")), true, 0, 0); // trees: treeTransferActive's
    c.sends.started("target", tree);
    c.created(b("d/t"), false);
    c.deleted(b("d/t"), false);
    assertThat(drain()).containsExactly("d");
  }

  @Test
  void deleteOfExistingFileIsSent() {
    c.changed(b("x"));
    c.deleted(b("x"), false);
    assertThat(drain()).containsExactly("x");
  }

  @Test
  void dirDeleteSubsumesWorkBelow() {
    c.changed(b("d/a"));
    c.changed(b("d/e/f"));
    c.changed(b("dd"));
    c.deleted(b("d/a"), false);
    c.deleted(b("d"), true);
    assertThat(drain()).containsExactlyInAnyOrder("d/**", "dd"); // a gone dir goes out recursive: see drainReady
  }

  @Test
  void newDirCreatedAndRemovedLeavesNothing() {
    c.created(b("n"), true);
    c.created(b("n/f"), false);
    c.created(b("n/s"), true);
    c.created(b("n/s/g"), false);
    c.deleted(b("n/s/g"), false);
    c.deleted(b("n/s"), true);
    c.deleted(b("n/f"), false);
    c.deleted(b("n"), true);
    assertThat(drain()).isEmpty();
  }

  @Test
  void everOpenFileShipsAfterMaxHold() throws IOException {
    try (var log = openForWriting("log")) {
      c.modified(b("log"));
      clock.advanceMillis(4_000);
      c.modified(b("log"));
      assertThat(drain()).isEmpty(); // asked after 50 ms: open for writing
      clock.advanceMillis(1_001);
      c.releaseExpiredHolds();
      c.modified(b("log")); // keeps writing: must not be held again before it shipped
      assertThat(drain()).containsExactly("log");
    }
  }

  /**
   * A file written whole again and again, faster than the batch delay (a heartbeat or status file
   * rewritten every 150 ms, a shell's {@code >>} log): each version's close_write is due as soon as
   * the path has waited the delay since its first change. A new MODIFY used to move it from the
   * ready queue back into a hold and its close_write to the ready queue's end with a new time: the
   * batch never came due, and nothing shipped while the writing went on.
   */
  @Test
  void aFileRewrittenFasterThanTheDelayIsDueTheDelayAfterItsFirstChange() {
    long delay = 200_000_000L;
    long start = clock.nanos();
    long shipped = -1;
    for (int step = 0; step < 20 * 10 && shipped < 0; step++) { // 20 s in steps of 50 ms
      if (step % 3 == 0) { // every 150 ms: open with O_TRUNC, write, close
        c.modified(b("hb"));
        c.closedWrite(b("hb"));
      }
      clock.advanceMillis(50);
      c.releaseExpiredHolds();
      long oldest = c.oldestReadyNanos();
      if (oldest >= 0 && clock.nanos() - oldest >= delay && !drain().isEmpty()) shipped = clock.nanos() - start;
    }
    assertThat(shipped).as("nanos until the batch with hb came due").isBetween(delay, delay + 100_000_000L);
  }

  @Test
  void aFileOpenForWritingIsHeldUntilCloseWrite() throws IOException {
    try (var f = openForWriting("big.iso")) {
      c.created(b("big.iso"), false);
      c.modified(b("big.iso"));
      assertThat(c.nextHoldExpiryNanos()).isEqualTo(clock.nanos() + Coalescer.ASK_AFTER_NANOS);
      clock.advanceMillis(1_000);
      assertThat(drain()).isEmpty();
      assertThat(c.nextHoldExpiryNanos()).as("asked once; now only max_hold ends it").isEqualTo(clock.nanos() - 1_000_000_000L + 5_000_000_000L);
    }
    c.closedWrite(b("big.iso"));
    assertThat(drain()).containsExactly("big.iso");
  }

  /** GNU tar's delayed symlink: placeholder file, then unlink + symlink + utimensat (a MODIFY) + lchown. */
  @Test
  void tarsSymlinkInPlaceOfItsPlaceholderIsNotHeld() {
    Trees.write(at(root, "l"), "");
    c.created(b("l"), false);
    c.closedWrite(b("l"));
    assertThat(drain()).containsExactly("l");
    Libc.unlink(at(root, "l"));
    c.deleted(b("l"), false);
    Libc.symlink(b("../data/f"), at(root, "l"));
    c.created(b("l"), false);
    c.modified(b("l"));
    c.changed(b("l"));
    assertThat(drain()).isEmpty(); // not asked yet
    clock.advanceMillis(50);
    assertThat(drain()).containsExactly("l");
  }

  /** touch -m, or tar's utimensat on a file it has closed: a MODIFY with no close_write after it. */
  @Test
  void aClosedFileWhoseMtimeWasSetIsNotHeld() {
    Trees.write(at(root, "f"), "closed");
    c.modified(b("f"));
    clock.advanceMillis(50);
    assertThat(drain()).containsExactly("f");
  }

  @Test
  void fifosDirectoriesAndMissingPathsAreNotHeld() throws Exception {
    Trees.mkdirs(at(root, "dir"));
    assertThat(new ProcessBuilder("mkfifo", Trees.path(at(root, "fifo")).toString()).start().waitFor()).isZero();
    for (String p : List.of("fifo", "dir", "gone")) c.modified(b(p));
    clock.advanceMillis(50);
    assertThat(drain()).containsExactlyInAnyOrder("fifo", "dir", "gone");
  }

  /** The writer's file was replaced by a rename (an editor's safe-save): the hold was for the old file. */
  @Test
  void aNameTakenByARenameIsJudgedByTheFileNowThere() throws IOException {
    try (var old = openForWriting("doc")) {
      c.modified(b("doc"));
      clock.advanceMillis(60);
      assertThat(drain()).isEmpty(); // open for writing
      Trees.write(at(root, "doc.new"), "saved");
      Libc.rename(at(root, "doc.new"), at(root, "doc"));
      c.created(b("doc.new"), false);
      c.closedWrite(b("doc.new"));
      c.movedFrom(3, b("doc.new"), false);
      c.movedTo(3, b("doc"), false);
      assertThat(drain()).containsExactly("doc"); // not after max_hold
    }
  }

  /** One name, one window: a held file, then a symlink, then a directory. The directory is what is there. */
  @Test
  void fileThenSymlinkThenDirectoryUnderOneNameIsSentAsTheDirectory() {
    Trees.write(at(root, "x"), "file");
    c.changed(b("x"));
    drain();
    c.modified(b("x"));
    Libc.unlink(at(root, "x"));
    c.deleted(b("x"), false);
    Libc.symlink(b("target"), at(root, "x"));
    c.created(b("x"), false);
    c.modified(b("x"));
    Libc.unlink(at(root, "x"));
    c.deleted(b("x"), false);
    Libc.mkdir(at(root, "x"), 0755);
    c.created(b("x"), true);
    c.modified(b("x")); // (the engine drops MODIFY on a directory; a stray one is not held either)
    clock.advanceMillis(50);
    assertThat(drain()).containsExactly("x");
    assertThat(c.size()).isZero();
  }

  /**
   * Found by ReplicatorPropertyTest (whose sleeps of 91 and 28 ms happened to cut a batch between the
   * two halves; here the fake clock does): a directory moved onto the name of a directory just made
   * and removed, while the batch carrying its files is in flight. That batch may read the source
   * after the move, so b/d/f (now a/c/f) never arrives through it: after the rename, the new name is
   * reconciled as a whole subtree, and so is b/d, made again where the moved one was.
   */
  @Test
  void dirMovedOntoTheNameOfACreatedAndRemovedDir() {
    var dirs = new java.util.HashSet<>(List.of("a", "b", "b/d", "a/c"));
    var batcher = new Batcher(c, clock, new Batcher.Limits(50_000_000L, 1000, 1L << 30, 1L << 20),
        p -> dirs.contains(Bytes.display(p)) ? 0 : 10, p -> dirs.contains(Bytes.display(p)));
    c.emitRenames(true, true, true); // a local target: renames in place
    c.created(b("b"), true);
    c.created(b("b/d"), true);
    written("b/d/f");
    c.created(b("a"), true);
    written("a/h");
    c.endOfRead();
    assertThat(batcher.poll(false)).as("before the delay").isEmpty();
    clock.advanceMillis(50);
    assertThat(batcher.poll(false)).singleElement().satisfies(w -> assertThat(sent(w)).containsExactlyInAnyOrder("b/d/f", "a/h"));

    // while that batch is in flight
    c.changed(b("b/d"));
    c.created(b("a/c"), true);
    c.deleted(b("a/c"), true);
    c.movedFrom(1, b("b/d"), true);
    c.movedTo(1, b("a/c"), true);
    c.created(b("b/d"), true);
    written("b/d/h");
    written("a/h");
    c.endOfRead();
    List<WorkItem> next = new ArrayList<>(batcher.poll(false));
    clock.advanceMillis(50);
    next.addAll(batcher.poll(false));
    assertThat(next.getFirst()).as("the rename goes first").isInstanceOfSatisfying(WorkItem.Rename.class, r -> {
      assertThat(Bytes.display(r.from())).isEqualTo("b/d");
      assertThat(Bytes.display(r.to())).isEqualTo("a/c");
      assertThat(r.dir()).isTrue();
    });
    assertThat(next.subList(1, next.size())).as("after it, both names as whole trees and the files written")
        .extracting(w -> (((WorkItem.Send) w).recursive() ? "trees " : "paths ") + sent(w))
        .containsExactlyInAnyOrder("trees [a/c, b/d]", "paths [a/h, b/d/h]");
  }

  void written(String file) {
    c.created(b(file), false);
    c.modified(b(file));
    c.closedWrite(b(file));
  }

  static List<String> sent(WorkItem w) {
    return ((WorkItem.Send) w).paths().stream().map(Bytes::display).sorted().toList();
  }

  @Test
  void pairedMoveIsARenameAndCarriesQueuedWork() {
    c.changed(b("a/x"));
    c.movedFrom(7, b("a"), true);
    c.movedTo(7, b("b"), true);
    assertThat(c.takeRenames()).singleElement().satisfies(w -> {
      var r = (WorkItem.Rename) w;
      assertThat(Bytes.display(r.from())).isEqualTo("a");
      assertThat(Bytes.display(r.to())).isEqualTo("b");
    });
    // the old name (deleted; recursive, in case a new dir is made there before it runs), the queued
    // work carried over, the new name as a whole subtree
    assertThat(drain()).containsExactly("a/**", "b/x", "b/**");
  }

  /**
   * Two names exchanged in one step (renameat2's RENAME_EXCHANGE: `mv --exchange`, util-linux's
   * `exch`) come as two renames, the first argument's first. Read as two renames one after the
   * other, a directory exchanged with a file went back to its old name, and the name it has now was
   * sent as itself: the target got an empty directory there, without its files.
   */
  @Test
  void namesExchangedGoAsTreesWhereverADirectoryNowIs() {
    c.movedFrom(1, b("dir"), true);
    c.movedTo(1, b("file"), true);
    c.movedFrom(2, b("file"), false);
    c.movedTo(2, b("dir"), false);
    assertThat(c.takeRenames()).hasSize(2); // (tried in place where a target can: both fail there, or end as they were)
    assertThat(drain()).containsExactlyInAnyOrder("dir/**", "file/**");

    c.movedFrom(3, b("file"), false);
    c.movedTo(3, b("dir"), false);
    c.movedFrom(4, b("dir"), true);
    c.movedTo(4, b("file"), true);
    assertThat(drain()).as("the file's rename first").contains("file/**");

    c.changed(b("a/queued"));
    c.movedFrom(5, b("a"), true);
    c.movedTo(5, b("b"), true);
    c.movedFrom(6, b("b"), true);
    c.movedTo(6, b("a"), true);
    assertThat(drain()).as("two directories").contains("a/**", "b/**");
  }

  @Test
  void withoutATargetThatRenamesARenameIsADeleteAndASendInTheSameBatch() {
    c.emitRenames(false, false, false);
    for (int i = 0; i < 100; i++) {
      c.movedFrom(i, b("d/f" + i), false);
      c.movedTo(i, b("d/g" + i), false);
    }
    c.movedFrom(500, b("dir"), true);
    c.movedTo(500, b("dir2"), true);
    assertThat(c.hasRenames()).isFalse();
    assertThat(c.takeRenames()).isEmpty();
    List<String> out = drain();
    assertThat(out).hasSize(202).contains("d/f0", "d/g0", "d/f99", "d/g99", "dir/**", "dir2/**");
    assertThat(out.indexOf("d/f7")).isLessThan(out.indexOf("d/g7"));
  }

  @Test
  void aRenameOfAFileBeingWrittenKeepsItHeldUnderItsNewName() {
    c.created(b("log"), false);
    c.modified(b("log"));
    c.closedWrite(b("log"));
    drain(); // shipped
    c.modified(b("log"));
    c.movedFrom(4, b("log"), false);
    c.movedTo(4, b("log.1"), false);
    assertThat(drain()).containsExactly("log"); // the old name goes; the new one waits for close_write
    c.closedWrite(b("log.1"));
    assertThat(drain()).containsExactly("log.1");
  }

  @Test
  void renameOfAFileNotYetSentIsJustASendOfTheNewName() {
    c.created(b(".x.swp"), false);
    c.closedWrite(b(".x.swp"));
    c.movedFrom(9, b(".x.swp"), false);
    c.movedTo(9, b("x"), false);
    assertThat(c.takeRenames()).isEmpty();
    assertThat(drain()).containsExactly("x");
  }

  @Test
  void renameIntoNewDirThenRemovalStillDeletesAtTarget() {
    c.created(b("n"), true);
    c.movedFrom(3, b("a"), false);
    c.movedTo(3, b("n/a"), false);
    assertThat(c.takeRenames()).hasSize(1);
    c.deleted(b("n/a"), false);
    c.deleted(b("n"), true);
    assertThat(drain()).containsExactly("n/**", "a");
  }

  /** Found by ReplicatorPropertyTest: a dir moved out of sight (its MOVED_TO unseen) and made again at once. */
  @Test
  void aNameMovedAwayAndMadeAgainBeforeTheMoveExpiredKeepsItsNewTree() {
    c.created(b("a"), true);
    c.movedFrom(5, b("a"), true);
    c.created(b("a"), true);
    c.created(b("a/c"), true);
    c.created(b("a/c/g"), false);
    c.endOfRead();
    c.endOfRead();
    assertThat(c.hasUnpairedMoves()).isFalse();
    assertThat(drain()).containsExactly("a", "a/c", "a/c/g"); // (the first a never reached the target)
  }

  @Test
  void unpairedMovesAreDeleteAndRecursiveCreate() {
    c.movedFrom(1, b("gone"), true);
    c.movedTo(2, b("came"), true);
    c.endOfRead();
    c.endOfRead();
    assertThat(c.takeRenames()).isEmpty();
    assertThat(drain()).containsExactlyInAnyOrder("came/**", "gone/**");
  }

  @Test
  void moveSplitAcrossTwoReadsStillPairs() {
    c.movedFrom(5, b("a"), false);
    c.endOfRead();
    c.movedTo(5, b("b"), false);
    c.endOfRead();
    assertThat(c.takeRenames()).hasSize(1);
  }

  @Test
  void deletedAndRecreatedDirIsSentRecursively() {
    c.changed(b("d/old"));
    c.deleted(b("d"), true);
    c.created(b("d"), true);
    c.created(b("d/new"), false);
    assertThat(drain()).containsExactly("d/**", "d/new");
  }

  @Test
  void manyEventsOnFewPathsStaySmall() {
    for (int i = 0; i < 100_000; i++) c.changed(b("p" + (i % 10)));
    assertThat(c.size()).isEqualTo(10);
  }
}
