package dev.livesync.sync;

import static dev.livesync.testing.Trees.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.fs.Libc;
import dev.livesync.testing.Trees;
import dev.livesync.transport.DeletionPreview;
import dev.livesync.transport.ForwardingTransport;
import dev.livesync.transport.TransferResult;
import dev.livesync.transport.TransportException;
import dev.livesync.transport.Transport;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The mass-deletion guard while the source moves: directories renamed while their batches run, with
 * the real rsync on a local directory, driven batch by batch as a runner drives it (a rename is its
 * old name deleted and its new one sent). Where rsync's look at the whole tree goes wrong because the
 * tree moves under it, the failure is injected at the transport (the look made to fail as rsync's 24
 * does, or made while the new name stands outside the source, as a listing that missed it); the rest
 * is real. A rename must not be held; an {@code rm -rf} still must be.
 */
class DeletionGuardMovingSourceTest {
  final GuardedLocal g = new GuardedLocal("guard-mov");
  final byte[] src = g.src, dst = g.dst;
  final byte[] aside = Trees.tempDir("guard-mov-aside");
  final FakeClock clock = g.clock;

  @AfterEach
  void cleanUp() {
    g.close();
    Trees.delete(aside);
  }

  private DeletionGuard guard(Transport transport) {
    return g.guard(transport, 50);
  }

  private DeletionGuard guard(Transport transport, int percent) {
    return g.guard(transport, percent);
  }

  private Transport local() {
    return g.local();
  }

  /** {@code top/}: 300 files in 10 directories (311 entries), and a few files beside it. */
  private void tree() {
    for (int i = 0; i < 300; i++) Trees.write(at(src, "top/d" + i % 10 + "/f" + i), "file " + i);
    for (int i = 0; i < 5; i++) Trees.write(at(src, "beside" + i), "beside " + i);
  }

  private static List<byte[]> paths(String... names) {
    return GuardedLocal.paths(names);
  }

  /**
   * The batch deleting a renamed tree's old name runs before the batch bringing its new name (the
   * whole tree loses nothing then, so it goes), and a one-file deletion is judged in between: the
   * minute has counted the old name's 311 deletions, more than the limit, but the new name on its way
   * pays for them. It was held: from then on, every deletion was.
   */
  @Test
  void aDeletionBetweenARenamedTreesOldNameGoingAndItsNewNameComingIsNotHeld() throws Exception {
    tree();
    var guard = guard(local());
    assertThat(guard.fullSync(true).outcome()).isEqualTo(TransferResult.Outcome.OK);

    g.rename("top", "moved");
    assertThat(guard.send(paths("top"), true).outcome()).isEqualTo(TransferResult.Outcome.OK);
    assertThat(guard.held()).as("held after the old name's batch").isZero();
    assertThat(Trees.exists(at(dst, "top"))).isFalse();

    Trees.delete(at(src, "beside0"));
    assertThat(guard.send(paths("beside0"), false).outcome()).isEqualTo(TransferResult.Outcome.OK);
    assertThat(guard.held()).as("held: one file deleted before the new name came").isZero();

    assertThat(guard.send(paths("moved"), true).outcome()).isEqualTo(TransferResult.Outcome.OK);
    Trees.assertSameTree(src, dst, Trees.Ignore.DIR_MTIMES);
    assertThat(guard.held()).isZero();
  }

  /**
   * What reached the target before does not pay for deletions to come: new copies of every file of a
   * tree sent first, then the tree deleted (ransomware's write-new-then-delete-old, not a rename), is
   * held. (At 40 %: the copies doubled the target, and half of it is under a limit of 50 %.)
   */
  @Test
  void newCopiesSentBeforeTheirOriginalsWentDoNotPayForTheirDeletion() throws Exception {
    tree();
    var guard = guard(local(), 40);
    assertThat(guard.fullSync(true).outcome()).isEqualTo(TransferResult.Outcome.OK);

    for (int i = 0; i < 300; i++) Trees.write(at(src, "enc/d" + i % 10 + "/f" + i + ".enc"), "encrypted " + i);
    assertThat(guard.send(paths("enc"), true).outcome()).isEqualTo(TransferResult.Outcome.OK);
    Trees.delete(at(src, "top"));
    guard.send(paths("top"), true);
    assertThat(guard.held()).as("held").isPositive();
    assertThat(Trees.exists(at(dst, "top/d1/f1"))).isTrue();
  }

  /** A local target whose looks at the whole tree fail as rsync's do when a directory vanished under it, {@code failing} times. */
  static final class MovingLooks extends ForwardingTransport {
    final AtomicInteger failing;
    final AtomicInteger looks = new AtomicInteger();

    MovingLooks(Transport inner, int failing) {
      super(inner);
      this.failing = new AtomicInteger(failing);
    }

    @Override
    public DeletionPreview fullSyncDeletions() throws InterruptedException {
      looks.incrementAndGet();
      if (failing.getAndDecrement() > 0) {
        throw new TransportException(new TransferResult(TransferResult.Outcome.PARTIAL, 24, List.of(), 0, 0, 1,
            "looking at what would be deleted: directory has vanished"));
      }
      return super.fullSyncDeletions();
    }
  }

  /**
   * The look at the whole tree fails because the source moved under it: the batch deleting a renamed
   * tree's old name is not judged alone (it was, and held) but goes again, nothing deleted; the next
   * attempt, the source still, lets it go.
   */
  @Test
  void aLookThatTheSourceMovedUnderSendsTheBatchAgainInsteadOfHoldingIt() throws Exception {
    tree();
    var target = new MovingLooks(local(), 0);
    var guard = guard(target);
    assertThat(guard.fullSync(true).outcome()).isEqualTo(TransferResult.Outcome.OK);

    g.rename("top", "moved");
    target.failing.set(1);
    TransferResult first = guard.send(paths("top"), true);
    assertThat(first.outcome()).isEqualTo(TransferResult.Outcome.PARTIAL);
    assertThat(first.exitCode()).isEqualTo(24);
    assertThat(guard.held()).as("held after a look that failed").isZero();
    assertThat(Trees.exists(at(dst, "top/d1/f1"))).as("the old name deleted without a look").isTrue();

    clock.advanceMillis(400);
    assertThat(guard.send(paths("top"), true).outcome()).isEqualTo(TransferResult.Outcome.OK);
    assertThat(guard.held()).isZero();
    assertThat(Trees.exists(at(dst, "top"))).isFalse();
  }

  /**
   * A source that moves under every look for longer than {@link 30_000_000_000L}: the
   * batch is judged alone then, and a tree deleted is held (it is never deleted unjudged).
   */
  @Test
  void aSourceMovingUnderEveryLookForLongHasTheBatchJudgedAlone() throws Exception {
    tree();
    var target = new MovingLooks(local(), 0);
    var guard = guard(target);
    assertThat(guard.fullSync(true).outcome()).isEqualTo(TransferResult.Outcome.OK);

    Trees.delete(at(src, "top"));
    target.failing.set(Integer.MAX_VALUE);
    for (int i = 0; i < 4; i++) {
      assertThat(guard.send(paths("top"), true).outcome()).isEqualTo(TransferResult.Outcome.PARTIAL);
      assertThat(Trees.exists(at(dst, "top/d1/f1"))).isTrue();
      clock.advanceMillis(WholeTreeLook.MOVING_MAX_NANOS / 1_000_000 / 5); // four fifths of it in all
    }
    clock.advanceMillis(WholeTreeLook.MOVING_MAX_NANOS / 1_000_000);
    assertThat(guard.send(paths("top"), true).outcome()).isEqualTo(TransferResult.Outcome.OK);
    assertThat(guard.held()).as("held once judged alone").isPositive();
    assertThat(Trees.exists(at(dst, "top/d1/f1"))).isTrue();
  }

  /** A local target whose first look at the whole tree is taken while {@code moved/} stands outside the source: a listing that missed it. */
  final class MissedOnce extends ForwardingTransport {
    final AtomicInteger looks = new AtomicInteger();

    MissedOnce(Transport inner) {
      super(inner);
    }

    @Override
    public DeletionPreview fullSyncDeletions() throws InterruptedException {
      if (looks.incrementAndGet() != 1 || !Trees.exists(at(src, "moved"))) return super.fullSyncDeletions();
      Libc.rename(at(src, "moved"), at(aside, "moved"));
      try {
        return super.fullSyncDeletions();
      } finally {
        Libc.rename(at(aside, "moved"), at(src, "moved"));
      }
    }
  }

  /**
   * rsync lists a directory after its parent: a tree renamed between the two is missed under both
   * names, and the look says the source lost it. A look that would hold deletions is taken again, and
   * the smaller loss counts: the renamed tree's old name goes.
   */
  @Test
  void aLookThatMissedTheRenamedTreeIsTakenAgain() throws Exception {
    tree();
    var target = new MissedOnce(local());
    var guard = guard(target);
    assertThat(guard.fullSync(true).outcome()).isEqualTo(TransferResult.Outcome.OK);
    target.looks.set(0);

    g.rename("top", "moved");
    assertThat(guard.send(paths("top"), true).outcome()).isEqualTo(TransferResult.Outcome.OK);
    assertThat(target.looks.get()).as("looks at the whole tree").isEqualTo(2);
    assertThat(guard.held()).as("held").isZero();
    assertThat(Trees.exists(at(dst, "top"))).isFalse();
  }

  /** The same with the tree really deleted: both looks say so, and it is held. */
  @Test
  void aTreeDeletedIsHeldAfterTheSecondLook() throws Exception {
    tree();
    var target = new MissedOnce(local());
    var guard = guard(target);
    assertThat(guard.fullSync(true).outcome()).isEqualTo(TransferResult.Outcome.OK);
    target.looks.set(0);

    Trees.delete(at(src, "top"));
    guard.send(paths("top"), true);
    assertThat(target.looks.get()).as("looks at the whole tree").isEqualTo(2);
    assertThat(guard.held()).as("held").isPositive();
    assertThat(Trees.exists(at(dst, "top/d1/f1"))).isTrue();
  }

  /** A local target whose first send that may delete fails as an unreachable target's does, having deleted nothing. */
  static final class FailsFirstDeletingSend extends ForwardingTransport {
    final AtomicInteger failed = new AtomicInteger();

    FailsFirstDeletingSend(Transport inner) {
      super(inner);
    }

    @Override
    public TransferResult send(List<byte[]> paths, boolean recursive, long maxDeletions) throws InterruptedException {
      if (maxDeletions > 0 && failed.getAndIncrement() == 0) {
        return new TransferResult(TransferResult.Outcome.RETRY, 10, List.of(), 0, 0, 1, "injected: connection refused");
      }
      return super.send(paths, recursive, maxDeletions);
    }
  }

  /**
   * The minute counts a send's deletions when they are let through, before it runs; a send that then
   * deleted nothing (it failed) has them taken back, so its retry is judged as the first attempt was.
   * 120 files of 317 entries, under the limit of 158: counted twice, they were held.
   */
  @Test
  void deletionsOfASendThatFailedAreNotCountedTwiceWhenItGoesAgain() throws Exception {
    tree();
    var target = new FailsFirstDeletingSend(local());
    var guard = guard(target);
    assertThat(guard.fullSync(true).outcome()).isEqualTo(TransferResult.Outcome.OK);

    List<String> gone = new ArrayList<>();
    for (int i = 0; i < 300; i++) if (i % 10 < 4) gone.add("top/d" + i % 10 + "/f" + i);
    for (String g : gone) Trees.delete(at(src, g));
    String[] batch = gone.toArray(String[]::new);
    assertThat(guard.send(paths(batch), false).outcome()).isEqualTo(TransferResult.Outcome.RETRY);
    assertThat(Trees.exists(at(dst, gone.getFirst()))).isTrue();
    clock.advanceMillis(1_000);
    assertThat(guard.send(paths(batch), false).outcome()).isEqualTo(TransferResult.Outcome.OK);
    assertThat(guard.held()).as("held").isZero();
    Trees.assertSameTree(src, dst, Trees.Ignore.DIR_MTIMES);
  }

  /**
   * A batch short of the limit by the target's count as the guard kept it, looked at (it deletes more
   * than an eighth of the limit): the look finds fewer entries on the target, which lowers the limit
   * under the batch. It is then judged as one over the limit is, on what the whole tree loses — here
   * nothing, the batch's files were renamed and their new names are on their way. It was held on the
   * batch alone.
   */
  @Test
  void aBatchWhoseLookLowersTheLimitUnderItIsJudgedOnTheWholeTree() throws Exception {
    for (int i = 0; i < 300; i++) Trees.write(at(src, "top/d" + i % 10 + "/f" + i), "file " + i);
    for (int i = 0; i < 300; i++) Trees.write(at(src, "other/f" + i), "other " + i);
    var guard = guard(local());
    assertThat(guard.fullSync(true).outcome()).isEqualTo(TransferResult.Outcome.OK);
    Trees.delete(at(dst, "other")); // gone from the target behind the guard's back: its count is high

    List<String> gone = new ArrayList<>();
    for (int i = 0; i < 300; i++) if (i % 10 < 9) gone.add("top/d" + i % 10 + "/f" + i);
    for (String f : gone) g.rename(f, f + ".moved");
    assertThat(guard.send(paths(gone.toArray(String[]::new)), false).outcome()).isEqualTo(TransferResult.Outcome.OK);
    assertThat(guard.held()).as("held").isZero();
    assertThat(Trees.exists(at(dst, gone.getFirst()))).isFalse();
  }
}
