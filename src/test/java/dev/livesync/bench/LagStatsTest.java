package dev.livesync.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class LagStatsTest {
  @Test
  void nearestRankPercentiles() {
    double[] oneToHundred = IntStream.rangeClosed(1, 100).asDoubleStream().toArray();
    LagStats s = LagStats.of(oneToHundred);
    assertThat(s.count()).isEqualTo(100);
    assertThat(s.p50()).isEqualTo(50);
    assertThat(s.p95()).isEqualTo(95);
    assertThat(s.p99()).isEqualTo(99);
    assertThat(s.max()).isEqualTo(100);
  }

  @Test
  void unsortedInputAndSingleValue() {
    assertThat(LagStats.of(new double[] {3, 1, 2}).p50()).isEqualTo(2);
    assertThat(LagStats.of(new double[] {7}).p99()).isEqualTo(7);
    assertThat(LagStats.of(new double[0]).count()).isZero();
  }
}
