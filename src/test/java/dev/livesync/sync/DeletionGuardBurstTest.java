package dev.livesync.sync;

import static dev.livesync.testing.Trees.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.fs.Bytes;
import dev.livesync.fs.Libc;
import dev.livesync.settings.MaxDelete;
import dev.livesync.testing.Trees;
import dev.livesync.transport.DeletionPreview;
import dev.livesync.transport.ForwardingTransport;
import dev.livesync.transport.RsyncTransport;
import dev.livesync.transport.TargetOptions;
import dev.livesync.transport.TransferResult;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An {@code rm -rf} cut into batches that run side by side (the runner starts batches on different
 * paths in parallel), with the real rsync on a local directory: while one batch waits for the rest
 * of the burst before it is judged, a small batch of the same burst must not be judged alone and let
 * through: its deletions wait, and are held with the burst when they go again.
 */
class DeletionGuardBurstTest {
  final byte[] src = Trees.tempDir("guard-burst-src");
  final byte[] dst = Trees.tempDir("guard-burst-dst");
  final byte[] state = Trees.tempDir("guard-burst-state");

  @AfterEach
  void cleanUp() {
    for (byte[] d : List.of(src, dst, state)) Trees.delete(d);
  }

  @Test
  void aSmallBatchDecidingWhileABurstIsJudgedIsJudgedWithIt() throws Exception {
    for (int i = 0; i < 300; i++) Trees.write(at(src, "d" + i % 10 + "/f" + i), "file " + i);
    var judging = new CountDownLatch(1);
    var armed = new AtomicBoolean();
    var transport = new ForwardingTransport(RsyncTransport.open(src, Bytes.latin1(dst), TargetOptions.builder().build())) {
      @Override
      public DeletionPreview fullSyncDeletions() throws InterruptedException {
        if (armed.get()) judging.countDown(); // the first batch is judging the burst with the whole tree
        return inner.fullSyncDeletions();
      }
    };
    var guard = new DeletionGuard(transport, new MaxDelete(50, -1), new FakeClock(), p -> Libc.lstatOrNull(Bytes.child(src, p)) == null ? -1 : 0,
        rel -> TreeCount.entries(src, rel, Excludes.NONE), "s", new HeldDeletions(Trees.path(state).resolve("held")), new RecentNames(new FakeClock()));
    assertThat(guard.fullSync(true).outcome()).isEqualTo(TransferResult.Outcome.OK);

    // an rm -rf under way: seven directories gone, and five files of the eighth so far
    for (int d = 0; d < 7; d++) Trees.delete(at(src, "d" + d));
    List<byte[]> five = new ArrayList<>();
    for (int i = 8; i < 50; i += 10) five.add(Bytes.of("d8/f" + i));
    for (byte[] f : five) Trees.delete(Bytes.child(src, f));
    armed.set(true);
    // the first batch: d0 whole, 31 of 310 entries, more than an eighth of the limit: it looks at the
    // whole tree, which has lost more, and waits for the rest of the burst
    var first = Thread.ofPlatform().start(() -> {
      try {
        guard.send(List.of(Bytes.of("d0")), true);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    judging.await();
    // a batch cut in the middle of the burst: those five files, alone; their deletions wait for the
    // judgement under way, to go again after the batch's backoff (as the runner sends them)
    TransferResult small = guard.send(five, false);
    assertThat(small.outcome()).isEqualTo(TransferResult.Outcome.PARTIAL);
    assertThat(small.failedPaths()).hasSize(5);
    for (byte[] f : five) assertThat(Trees.exists(Bytes.child(dst, f))).as("%s at the target", Bytes.display(f)).isTrue();
    first.join();
    guard.send(small.failedPaths(), false);

    for (byte[] f : five) assertThat(Trees.exists(Bytes.child(dst, f))).as("%s at the target", Bytes.display(f)).isTrue();
    assertThat(Trees.exists(at(dst, "d0/f0"))).isTrue();
    assertThat(guard.held()).as("d0 with its 30 files, and the five").isEqualTo(31 + 5);
  }
}
