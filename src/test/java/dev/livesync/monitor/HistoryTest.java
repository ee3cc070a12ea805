package dev.livesync.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HistoryTest {
  private static final long S = 1_000_000_000L;

  @Test
  void percentilesWeighEachPathAndForgetWhatIsOlderThanAMinute() {
    var h = new History();
    h.delivered(1 * S, 5_000, 1, 1, 10); // one slow path, 70 s before the end
    h.delivered(60 * S, 100, 98, 98, 980); // 98 paths at 100 ms
    h.delivered(61 * S, 900, 2, 2, 20); // 2 paths at 900 ms
    assertThat(h.percentiles(61 * S, 0.5, 0.99)).containsExactly(100, 900);
    assertThat(h.percentiles(71 * S + 1, 0.5, 1.0)).containsExactly(100, 900); // the 5 s one is gone
    assertThat(h.percentiles(200 * S, 0.5)).containsExactly(-1);
  }

  @Test
  void oneSampleASecondForFifteenMinutes() {
    var h = new History();
    h.delivered(0, 200, 3, 3, 300);
    h.sample(1000, 50, 0);
    h.sample(1000, 60, 0); // same second: ignored
    h.delivered(0, 400, 1, 1, 100);
    h.sample(1001, 0, 0);
    assertThat(h.since(0)).containsExactly(new History.Sample(1000, 3, 300, 50, 200), new History.Sample(1001, 1, 100, 0, 400));
    assertThat(h.since(1000)).hasSize(1);
    for (long s = 1002; s < 1002 + History.SECONDS; s++) h.sample(s, 0, 0);
    assertThat(h.since(0)).hasSize(History.SECONDS).first().extracting(History.Sample::epochSecond).isEqualTo(1002L);
  }
}
