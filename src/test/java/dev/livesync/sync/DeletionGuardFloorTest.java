package dev.livesync.sync;

import static dev.livesync.testing.Trees.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.fs.Bytes;
import dev.livesync.fs.Libc;
import dev.livesync.settings.MaxDelete;
import dev.livesync.testing.Trees;
import dev.livesync.transport.TransferResult;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The guard's floor under a share: {@code rm -f src/*} of a 90-file tree deletes at the target (a
 * share never holds 100 paths or fewer, docs/versions.md); a number as the limit has no floor, and
 * holds it. The real rsync on a local directory, on a fake clock.
 */
class DeletionGuardFloorTest {
  final GuardedLocal g = new GuardedLocal("guard-floor");

  @AfterEach
  void cleanUp() {
    g.close();
  }

  private List<byte[]> emptied() {
    List<String> files = new ArrayList<>();
    for (int i = 0; i < 90; i++) files.add("f" + i);
    for (String f : files) Trees.write(at(g.src, f), f);
    return GuardedLocal.paths(files.toArray(String[]::new));
  }

  private DeletionGuard guard(MaxDelete max) {
    return new DeletionGuard(g.local(), max, g.clock, p -> Libc.lstatOrNull(Bytes.child(g.src, p)) == null ? -1 : 0,
        TreeCount.trees(g.src, Excludes.NONE), "s", new HeldDeletions(Trees.path(g.state).resolve("held")), g.names);
  }

  private int sendEmptied(DeletionGuard guard, List<byte[]> files) throws InterruptedException {
    assertThat(guard.fullSync(true).outcome()).isEqualTo(TransferResult.Outcome.OK);
    for (byte[] f : files) Trees.delete(Bytes.child(g.src, f));
    guard.send(files, false);
    return guard.held();
  }

  @Test
  void aShareNeverHoldsAHundredPathsOrFewer() throws Exception {
    List<byte[]> files = emptied();
    assertThat(sendEmptied(guard(new MaxDelete(50, -1)), files)).isZero();
    assertThat(Trees.list(g.dst)).isEmpty();
  }

  @Test
  void aNumberHasNoFloor() throws Exception {
    List<byte[]> files = emptied();
    assertThat(sendEmptied(guard(new MaxDelete(-1, 20)), files)).isEqualTo(90);
    assertThat(Trees.list(g.dst)).hasSize(90);
  }
}
