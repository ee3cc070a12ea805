package dev.livesync.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.fs.Bytes;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BatcherTest {
  final FakeClock clock = new FakeClock();
  final Coalescer c = new Coalescer(clock, 5_000_000_000L, p -> false);
  final Set<String> dirs = Set.of("n", "m", "n/sub");
  final Batcher b = new Batcher(c, clock, new Batcher.Limits(200_000_000L, 10, 1L << 30, 1L << 20),
      p -> dirs.contains(Bytes.display(p)) ? 0 : 10, p -> dirs.contains(Bytes.display(p)));

  static List<String> paths(WorkItem w) {
    return ((WorkItem.Send) w).paths().stream().map(Bytes::display).toList();
  }

  void file(String p) {
    c.created(Bytes.of(p), false);
    c.closedWrite(Bytes.of(p));
  }

  @Test
  void aDirectoryWithAPathBelowItInTheSameBatchGoesAlongImplicitly() {
    c.created(Bytes.of("n"), true);
    c.created(Bytes.of("n/sub"), true);
    file("n/sub/a");
    c.created(Bytes.of("m"), true); // nothing below it in this batch: sent as itself
    file("top");
    assertThat(b.poll(true)).singleElement().satisfies(w -> assertThat(paths(w)).containsExactly("n/sub/a", "m", "top"));
  }

  /** The base a send may start from lies above the directories it left out, which go along as parents. */
  @Test
  void aSendsBaseLiesAboveWhatItLeftOut() {
    file("n/sub/deep/a");
    file("n/sub/deep/b");
    assertThat(b.poll(true)).singleElement().satisfies(w -> assertThat(((WorkItem.Send) w).base().toString()).isEqualTo("n/sub/deep"));
    c.created(Bytes.of("n/sub"), true); // made (or chmod'ed) right above the writes: left out, carried
    file("n/sub/deep/c");
    assertThat(b.poll(true)).singleElement().satisfies(w -> {
      assertThat(paths(w)).containsExactly("n/sub/deep/c");
      assertThat(((WorkItem.Send) w).base().toString()).isEqualTo("n");
    });
  }

  @Test
  void aBatchWaitsForADelayAndUnderBacklogForATargetOrMaxPaths() {
    file("a");
    assertThat(b.poll(false)).isEmpty();
    clock.advanceMillis(200);
    assertThat(b.poll(false, true)).isEmpty(); // every target still has a batch waiting
    assertThat(b.nextDeadlineNanos(true)).isEqualTo(-1);
    for (int i = 0; i < 9; i++) file("f" + i);
    assertThat(b.poll(false, true)).singleElement().satisfies(w -> assertThat(paths(w)).hasSize(10)); // full
    file("z");
    clock.advanceMillis(200);
    assertThat(b.poll(false, false)).singleElement().satisfies(w -> assertThat(paths(w)).containsExactly("z"));
  }

  @Test
  void renamesForTargetsThatCannotRenameShareOneBatch() {
    c.emitRenames(false, false, false);
    for (int i = 0; i < 5; i++) {
      c.movedFrom(i, Bytes.of("d/old" + i), false);
      c.movedTo(i, Bytes.of("d/new" + i), false);
    }
    assertThat(b.nextDeadlineNanos()).isEqualTo(clock.nanos() + 200_000_000L); // no rename item to hurry for
    clock.advanceMillis(200);
    assertThat(b.poll(false)).singleElement().satisfies(w -> assertThat(paths(w)).hasSize(10).contains("d/old0", "d/new4"));
  }
}
