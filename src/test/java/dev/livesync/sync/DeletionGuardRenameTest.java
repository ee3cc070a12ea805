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

  @AfterEach
  void cleanUp() {
    for (byte[] d : List.of(src, dst, state)) Trees.delete(d);
  }

  private DeletionGuard guard() {
    return guard(RsyncTransport.open(src, Bytes.latin1(dst), TargetOptions.builder().build()));
  }

  private DeletionGuard guard(dev.livesync.transport.Transport transport) {
    return new DeletionGuard(transport, new MaxDelete(50, -1), new FakeClock(), p -> {
      var st = Libc.lstatOrNull(Bytes.child(src, p));
      return st == null ? -1 : 0;
    }, rel -> TreeCount.entries(src, rel, Excludes.NONE), "s", new HeldDeletions(Trees.path(state).resolve("held")));
  }

  @Test
  void aDirectoryRenamedOnBeforeItsBatchRanIsNotAMassDeletion() throws Exception {
    for (int i = 0; i < 300; i++) Trees.write(at(src, "top/d" + i % 10 + "/f" + i), "file " + i);
    Trees.write(at(src, "beside"), "one file outside");
    var guard = guard();
    assertThat(guard.fullSync(true).outcome()).isEqualTo(TransferResult.Outcome.OK);

    Libc.rename(at(src, "top"), at(src, "first"));
    Libc.rename(at(src, "first"), at(src, "second"));
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

  interface GuardSteps {
    void run(DeletionGuard guard) throws Exception;
  }

  /** 300 files (file i in {@code dirOf(i)}) and one beside them, synced to a real daemon; then {@code steps}; then the trees equal. */
  private void onADaemon(java.util.function.IntFunction<String> dirOf, GuardSteps steps) throws Exception {
    for (int i = 0; i < 300; i++) Trees.write(at(src, dirOf.apply(i) + "/f" + i), "file " + i);
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

  /** Renamed at the source; the new name made from the old copy on the daemon; then the batch of both names. */
  private void renameAsADaemonTargetsRunnerDoes(DeletionGuard guard, String old, String now) throws Exception {
    byte[] from = Bytes.of(old), to = Bytes.of(now);
    Libc.rename(Bytes.child(src, from), Bytes.child(src, to));
    assertThat(guard.rename(from, to)).as("made from the old copy").isTrue();
    assertThat(guard.send(List.of(from, to), true).outcome()).isEqualTo(TransferResult.Outcome.OK);
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
}
