package dev.livesync.sync;

import static dev.livesync.testing.Trees.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.fs.Bytes;
import dev.livesync.fs.Libc;
import dev.livesync.settings.MaxDelete;
import dev.livesync.testing.Trees;
import dev.livesync.transport.ForwardingTransport;
import dev.livesync.transport.TransferResult;
import dev.livesync.transport.Transport;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One look at the source per path and send: the item, the deletion guard and the transport (here a
 * layer that asks as {@code RsyncTransport}'s fuzzy split does) share it; the guard looks again when
 * it decides a send again. The real rsync to a local directory behind them.
 */
class SourceLookTest {
  final GuardedLocal g = new GuardedLocal("source-look");
  final byte[] src = g.src, dst = g.dst;
  /** How often the source was asked about each path. */
  final Map<String, Integer> asked = new HashMap<>();
  final Batcher.SizeProbe probe = p -> {
    asked.merge(Bytes.display(p), 1, Integer::sum);
    Libc.Stat st = Libc.lstatOrNull(Bytes.child(src, p));
    return st == null ? -1 : st.isRegular() ? st.size() : 0;
  };

  @AfterEach
  void cleanUp() {
    g.close();
  }

  /** The guard at 50 % around {@code transport}, asking {@link #probe}. */
  private DeletionGuard guard(Transport transport) {
    return new DeletionGuard(transport, new MaxDelete(50, -1), g.clock, probe, TreeCount.trees(src, Excludes.NONE), "s",
        new HeldDeletions(Trees.path(g.state).resolve("held")), g.names);
  }

  /** A layer below the guard that asks the send's look about every path, as the daemon transport's fuzzy split does. */
  private Transport asking(Transport inner, Runnable beforeFirstSend) {
    return new ForwardingTransport(inner) {
      boolean first = true;

      @Override
      public TransferResult send(List<byte[]> paths, boolean recursive, long maxDeletions) throws InterruptedException {
        for (byte[] p : paths) Transport.SOURCE_SIZES.get().applyAsLong(p);
        if (first) beforeFirstSend.run();
        first = false;
        return inner.send(paths, recursive, maxDeletions);
      }
    };
  }

  private List<byte[]> tree(int files) {
    List<byte[]> paths = new ArrayList<>();
    for (int i = 0; i < files; i++) {
      Trees.write(at(src, "d/f" + i), "file " + i);
      paths.add(Bytes.of("d/f" + i));
    }
    return paths;
  }

  @Test
  void theItemTheGuardAndTheTransportLookAtEachPathOnce() throws Exception {
    List<byte[]> paths = tree(20);
    var guard = guard(asking(g.local(), () -> {}));
    assertThat(guard.fullSync(true).outcome()).isEqualTo(TransferResult.Outcome.OK);
    for (int i = 0; i < 3; i++) Trees.delete(at(src, "d/f" + i));
    for (int i = 3; i < 20; i++) Trees.write(at(src, "d/f" + i), "new content " + i);
    asked.clear();

    var run = new ItemExecutor(guard, DeletePolicy.ALWAYS, probe, null, null, null).run(new WorkItem.Send(paths, false, 0, 0));

    assertThat(run.result().outcome()).isEqualTo(TransferResult.Outcome.OK);
    assertThat(asked).as("asks per path").hasSize(21).containsKey("d") // the parent of those gone, looked at for a gone parent
        .allSatisfy((p, n) -> assertThat(n).as(p).isEqualTo(1));
    for (int i = 0; i < 3; i++) assertThat(Trees.exists(at(dst, "d/f" + i))).as("d/f%d at the target", i).isFalse();
    for (int i = 3; i < 20; i++) assertThat(new String(Trees.read(at(dst, "d/f" + i)), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("new content " + i);
  }

  @Test
  void theGuardLooksAgainWhenTheSourceLostMoreBeforeTheSend() throws Exception {
    List<byte[]> paths = tree(20);
    // below the guard: the first send finds one file more gone than the guard decided on (rsync's --max-delete stops it)
    var guard = guard(asking(g.local(), () -> Trees.delete(at(src, "d/f19"))));
    assertThat(guard.fullSync(true).outcome()).isEqualTo(TransferResult.Outcome.OK);
    Trees.delete(at(src, "d/f0"));
    asked.clear();

    var run = new ItemExecutor(guard, DeletePolicy.ALWAYS, probe, null, null, null).run(new WorkItem.Send(paths, false, 0, 0));

    assertThat(run.result().outcome()).isEqualTo(TransferResult.Outcome.OK);
    assertThat(asked.get("d/f19")).as("d/f19 asked before it went and after").isEqualTo(2);
    assertThat(Trees.exists(at(dst, "d/f0"))).isFalse();
    assertThat(Trees.exists(at(dst, "d/f19"))).isFalse();
    assertThat(Trees.exists(at(dst, "d/f18"))).isTrue();
  }
}
