package dev.livesync.sync;

import static dev.livesync.testing.Trees.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.livesync.fs.Bytes;
import dev.livesync.fs.Libc;
import dev.livesync.testing.Trees;
import dev.livesync.transport.DeletionPreview;
import dev.livesync.transport.ForwardingTransport;
import dev.livesync.transport.TransferResult;
import dev.livesync.transport.TransportException;
import dev.livesync.transport.Transport;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A send whose deletions the mass-deletion guard cannot judge now — the source moved under the look at
 * the whole tree, or another send is being judged — sends the rest of its paths at once and names its
 * deletions for another attempt. Before, the whole send went again after its backoff, and on a large
 * tree under a storm of renames (looks of seconds, failing one after another) a target's new files
 * waited a minute. Real rsync to a local directory; the failing or slow look is injected.
 */
class DeletionGuardDeferTest {
  final GuardedLocal g = new GuardedLocal("guard-defer");
  final byte[] src = g.src, dst = g.dst;
  final FakeClock clock = g.clock;

  @AfterEach
  void cleanUp() {
    g.close();
  }

  private DeletionGuard guard(Transport transport) {
    return g.guard(transport, 50);
  }

  private Transport local() {
    return g.local();
  }

  /** {@code top/}: 300 files in 10 directories, more than half the tree; {@code keep/}: 5 files. */
  private void tree() {
    for (int i = 0; i < 300; i++) Trees.write(at(src, "top/d" + i % 10 + "/f" + i), "file " + i);
    for (int i = 0; i < 5; i++) Trees.write(at(src, "keep/k" + i), "keep " + i);
  }

  private static List<byte[]> paths(String... names) {
    return GuardedLocal.paths(names);
  }

  private static List<String> names(List<byte[]> paths) {
    return paths.stream().map(Bytes::latin1).toList();
  }

  @Test
  void aLookTheSourceMovedUnderSendsTheRestAndKeepsTheDeletionForLater() throws Exception {
    tree();
    var target = new DeletionGuardMovingSourceTest.MovingLooks(local(), 0);
    var guard = guard(target);
    assertThat(guard.fullSync(true).outcome()).isEqualTo(TransferResult.Outcome.OK);

    g.rename("top", "moved");
    Trees.write(at(src, "new1"), "new");
    target.failing.set(1);
    TransferResult r = guard.send(paths("top", "new1"), false);
    assertThat(r.outcome()).isEqualTo(TransferResult.Outcome.PARTIAL);
    assertThat(r.sourceMoved()).isTrue();
    assertThat(names(r.failedPaths())).containsExactly("top");
    assertThat(Trees.exists(at(dst, "new1"))).as("the new file sent at once").isTrue();
    assertThat(Trees.exists(at(dst, "top/d1/f1"))).as("the old name deleted without a look").isTrue();
    assertThat(guard.held()).isZero();

    clock.advanceMillis(1_000);
    assertThat(guard.send(r.failedPaths(), false).outcome()).isEqualTo(TransferResult.Outcome.OK);
    assertThat(Trees.exists(at(dst, "top"))).isFalse();
    assertThat(guard.held()).isZero();
  }

  /** A tree sent recursively keeps its extras at the target until its deletions are judged; then it goes again. */
  @Test
  void aTreeWithDeletionsInsideIsSentKeepingThemAndGoesAgain() throws Exception {
    tree();
    var target = new DeletionGuardMovingSourceTest.MovingLooks(local(), 0);
    var guard = guard(target);
    assertThat(guard.fullSync(true).outcome()).isEqualTo(TransferResult.Outcome.OK);

    g.rename("top", "moved");
    Trees.delete(at(src, "keep/k0"));
    Trees.write(at(src, "keep/new"), "new");
    target.failing.set(1);
    TransferResult r = guard.send(paths("top", "keep"), true);
    assertThat(r.outcome()).isEqualTo(TransferResult.Outcome.PARTIAL);
    assertThat(names(r.failedPaths())).containsExactlyInAnyOrder("top", "keep");
    assertThat(Trees.exists(at(dst, "keep/new"))).isTrue();
    assertThat(Trees.exists(at(dst, "keep/k0"))).as("an extra deleted without a look").isTrue();
    assertThat(Trees.exists(at(dst, "top/d1/f1"))).isTrue();

    clock.advanceMillis(1_000);
    assertThat(guard.send(r.failedPaths(), true).outcome()).isEqualTo(TransferResult.Outcome.OK);
    assertThat(Trees.exists(at(dst, "keep/k0"))).isFalse();
    assertThat(Trees.exists(at(dst, "top"))).isFalse();
  }

  /** A local target whose first look at the whole tree waits until {@link #go} opens. */
  static final class SlowFirstLook extends ForwardingTransport {
    final CountDownLatch looking = new CountDownLatch(1);
    final CountDownLatch go = new CountDownLatch(1);
    final AtomicInteger looks = new AtomicInteger();

    SlowFirstLook(Transport inner) {
      super(inner);
    }

    @Override
    public DeletionPreview fullSyncDeletions() throws InterruptedException {
      if (looks.incrementAndGet() == 1) {
        looking.countDown();
        go.await();
      }
      return super.fullSyncDeletions();
    }
  }

  /**
   * While one send's deletions are judged (a look at the whole tree under way), another send's do not
   * wait for it: the rest of that send goes, its deletion is named for later, and then goes.
   */
  @Test
  @org.junit.jupiter.api.Timeout(120) // a send that waited for the other's judgement would wait for ever here
  void aSendDoesNotWaitForAnotherSendsJudgement() throws Exception {
    tree();
    var target = new SlowFirstLook(local());
    var guard = guard(target);
    target.looks.set(-10); // the full sync's own looks are not the slow one
    assertThat(guard.fullSync(true).outcome()).isEqualTo(TransferResult.Outcome.OK);
    target.looks.set(0);

    g.rename("top", "moved");
    TransferResult[] first = new TransferResult[1];
    Thread judged = Thread.ofPlatform().start(() -> {
      try {
        first[0] = guard.send(paths("top"), true);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    try {
      assertThat(target.looking.await(60, TimeUnit.SECONDS)).as("the first send's look began").isTrue();
      Trees.delete(at(src, "keep/k0"));
      Trees.write(at(src, "new2"), "new");
      TransferResult r = guard.send(paths("keep/k0", "new2"), false);
      assertThat(r.outcome()).isEqualTo(TransferResult.Outcome.PARTIAL);
      assertThat(r.messageLine()).contains("another send");
      assertThat(names(r.failedPaths())).containsExactly("keep/k0");
      assertThat(Trees.exists(at(dst, "new2"))).isTrue();
      assertThat(Trees.exists(at(dst, "keep/k0"))).isTrue();
    } finally {
      target.go.countDown();
      judged.join();
    }
    assertThat(first[0].outcome()).as("the renamed tree's old name, judged on the whole tree").isEqualTo(TransferResult.Outcome.OK);
    assertThat(guard.send(paths("keep/k0"), false).outcome()).isEqualTo(TransferResult.Outcome.OK);
    assertThat(Trees.exists(at(dst, "keep/k0"))).isFalse();
    assertThat(guard.held()).isZero();
  }

  /** After a look the source moved under, no new one for twice as long as it took: that failure stands meanwhile. */
  @Test
  void noNewLookForTwiceTheLengthOfOneTheSourceMovedUnder() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    boolean[] moving = {true};
    var looks = new WholeTreeLook(() -> {
      runs.incrementAndGet();
      clock.advanceMillis(5_000);
      if (moving[0]) {
        throw new TransportException(new TransferResult(TransferResult.Outcome.PARTIAL, 24, List.of(), 0, 0, 5_000, "vanished"));
      }
      return new DeletionPreview(List.of(), 10, 0, 0, List.of());
    }, w -> w.deletions().size() - w.renamed(), clock, "t");
    assertThatThrownBy(looks::look).isInstanceOf(TransportException.class);
    assertThat(runs.get()).isEqualTo(1);
    clock.advanceMillis(9_000);
    assertThatThrownBy(looks::look).as("within 10 s of the failure").isInstanceOf(TransportException.class);
    assertThat(runs.get()).as("no rsync run").isEqualTo(1);
    clock.advanceMillis(1_001);
    moving[0] = false;
    assertThat(looks.look()).isNotNull();
    assertThat(runs.get()).isEqualTo(2);
    assertThat(looks.look()).as("a clean look: no pause after it").isNotNull();
    assertThat(runs.get()).isEqualTo(3);
  }
}
