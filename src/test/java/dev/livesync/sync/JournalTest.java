package dev.livesync.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.fs.Bytes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalTest {
  @TempDir Path dir;

  @Test
  void undeliveredItemsSurviveARestartWithRawBytePaths() throws Exception {
    Path f = dir.resolve("state/t.journal");
    byte[] odd = {'a', (byte) 0xff, '\n', 'b'};
    try (var j = Journal.open(f)) {
      long a = j.append(new WorkItem.Send(List.of(Bytes.of("x"), odd), false, 0, 0));
      j.append(new WorkItem.Rename(Bytes.of("p"), Bytes.of("q"), true, 0));
      long c = j.append(new WorkItem.Send(List.of(Bytes.of("done")), true, 0, 0));
      j.done(c);
      j.sync();
      assertThat(a).isPositive();
    }
    // a torn record at the end (crash mid-write) is ignored
    Files.write(f, new byte[] {'I', 0, 0, 0}, java.nio.file.StandardOpenOption.APPEND);
    try (var j = Journal.open(f)) {
      assertThat(j.recovered()).hasSize(2);
      var s = (WorkItem.Send) j.recovered().get(0).item();
      assertThat(s.paths().get(1)).isEqualTo(odd);
      var r = (WorkItem.Rename) j.recovered().get(1).item();
      assertThat(r.dir()).isTrue();
      j.done(j.recovered().get(0).seq());
      j.done(j.recovered().get(1).seq());
    }
    try (var j = Journal.open(f)) {
      assertThat(j.recovered()).isEmpty();
    }
  }

  /**
   * Found by the long mixed-load run: compaction (when the file outgrows its live items) renumbered
   * them, so every later done() with the number the runner held was lost and a converged run left
   * 25,563 items to replay at the next start.
   */
  @Test
  void compactionKeepsTheNumbersTheRunnerHolds() throws Exception {
    Path f = dir.resolve("state/c.journal");
    byte[] big = new byte[4096];
    java.util.Arrays.fill(big, (byte) 'p');
    try (var j = Journal.open(f)) {
      long keep = j.append(new WorkItem.Send(List.of(Bytes.of("kept-while-compacting")), false, 0, 0));
      for (int i = 0; i < 5_000; i++) j.done(j.append(new WorkItem.Send(List.of(big), false, 0, 0))); // ~20 MB: compacts
      assertThat(Files.size(f)).as("compacted").isLessThan(8L << 20);
      j.done(keep);
      assertThat(j.liveCount()).isZero();
    }
    try (var j = Journal.open(f)) {
      assertThat(j.recovered()).as("nothing left to replay").isEmpty();
    }
  }
}
