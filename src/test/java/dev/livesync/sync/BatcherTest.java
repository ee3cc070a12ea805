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

  /**
   * A new directory that would end one batch goes with its first file into the next, which leaves it
   * out: the second batch does not have to wait for the first (a path below a claimed directory).
   */
  @Test
  void aDirectoryGoesIntoTheBatchOfTheFirstPathBelowIt() {
    for (int i = 0; i < 9; i++) file("f" + i);
    c.created(Bytes.of("n"), true); // the 10th path: would close the first batch
    file("n/a");
    file("n/b");
    c.created(Bytes.of("m"), true); // nothing below it in this drain: sent as itself, where it stood
    List<WorkItem> items = b.poll(true);
    assertThat(items).hasSize(2);
    assertThat(paths(items.get(0))).containsExactly("f0", "f1", "f2", "f3", "f4", "f5", "f6", "f7", "f8");
    assertThat(paths(items.get(1))).containsExactly("n/a", "n/b", "m");
    assertThat(((WorkItem.Send) items.get(1)).base().toString()).isEmpty(); // above n, which goes as a parent
  }

  /**
   * A directory inside a new directory, both drained before the first file inside them: both go with
   * that file, the outer one too (before, it was moved before the inner one, which then moved on
   * without it, and the outer directory was sent by no batch).
   */
  @Test
  void nestedNewDirectoriesBothGoIntoTheBatchOfTheFirstFileInside() {
    for (int i = 0; i < 9; i++) file("f" + i);
    c.created(Bytes.of("n"), true); // the 10th path: would close the first batch
    c.created(Bytes.of("n/sub"), true);
    file("n/sub/a");
    List<WorkItem> items = b.poll(true);
    assertThat(items).hasSize(2);
    assertThat(paths(items.get(0))).containsExactly("f0", "f1", "f2", "f3", "f4", "f5", "f6", "f7", "f8");
    assertThat(paths(items.get(1))).containsExactly("n/sub/a");
    assertThat(((WorkItem.Send) items.get(1)).base().toString()).as("above n, which goes as a parent").isEmpty();
  }

  /** The directory and the path below it stay together even where that path's bytes close the batch. */
  @Test
  void aDirectoryAndThePathBelowItShareABatchAtTheByteLimit() {
    var small = new Batcher(c, clock, new Batcher.Limits(200_000_000L, 100, 25, 1L << 20),
        p -> dirs.contains(Bytes.display(p)) ? 0 : 10, p -> dirs.contains(Bytes.display(p)));
    file("f0");
    file("f1");
    c.created(Bytes.of("n"), true);
    file("n/a"); // 10 + 10 + 10 > 25: a new batch, the directory with it
    List<WorkItem> items = small.poll(true);
    assertThat(items).hasSize(2);
    assertThat(paths(items.get(0))).containsExactly("f0", "f1");
    assertThat(paths(items.get(1))).containsExactly("n/a");
    assertThat(((WorkItem.Send) items.get(1)).base().toString()).isEmpty();
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
