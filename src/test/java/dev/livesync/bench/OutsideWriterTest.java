package dev.livesync.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutsideWriterTest {
  @TempDir Path src;

  @Test
  void writesEveryFileItReportsAndStallsAsTold() throws Exception {
    var w = new OutsideWriter(src, 1000, 3000, 120, 1.0, 0.3);
    long before = System.nanoTime();
    long end = w.run(200, 2.5);

    assertThat(w.written()).hasSize(500);
    long total = 0;
    long prev = before;
    long longestGap = 0;
    for (int i = 0; i < w.written().size(); i++) {
      String rel = w.written().get(i);
      assertThat(rel).isEqualTo(String.format("d%05d/f%d.dat", i / 120, i));
      Path f = src.resolve(rel);
      long size = Files.size(f);
      assertThat(size).isBetween(1000L, 3000L);
      assertThat(new String(Files.readAllBytes(f), 0, Integer.toString(i).length())).isEqualTo(Integer.toString(i));
      total += size;
      long at = w.closedAt().get(rel);
      // the writer's clock is this JVM's (CLOCK_MONOTONIC): its closes fall between our before and its end
      assertThat(at).isBetween(prev, end);
      if (i > 0) longestGap = Math.max(longestGap, at - prev);
      prev = at;
    }
    assertThat(w.bytes()).isEqualTo(total);
    assertThat(w.startedAt()).isBetween(before, w.closedAt().get(w.written().getFirst()));
    assertThat(longestGap).as("a stall of 0.3 s shows as a gap between two closes").isGreaterThanOrEqualTo(300_000_000L);
  }
}
