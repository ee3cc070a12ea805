package dev.livesync.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The wait every test uses: it returns once the condition holds, and fails saying what it waited for and what it last saw. */
class AwaitTest {
  @Test
  void returnsOnceTheConditionHolds() {
    var polls = new AtomicInteger();
    Await.until("the third poll", Duration.ofSeconds(10), () -> polls.incrementAndGet() >= 3, polls::get);
    assertThat(polls.get()).isEqualTo(3);
    assertThat(Await.value("a value over 4", Duration.ofSeconds(10), polls::incrementAndGet, v -> v > 4)).isEqualTo(5);
  }

  @Test
  void failsAfterTheBoundWithWhatItWaitedForAndWhatItLastSaw() {
    var polls = new AtomicInteger();
    assertThatThrownBy(() -> Await.until("the flag set", Duration.ofMillis(200), () -> polls.incrementAndGet() < 0, () -> "poll " + polls.get()))
        .isInstanceOf(AssertionError.class)
        .hasMessageStartingWith("the flag set: not so after 200 ms; last seen: poll ")
        .hasMessageNotContaining("poll 1\n");
    assertThat(polls.get()).as("polled more than once").isGreaterThan(2);
    assertThatThrownBy(() -> Await.value("a positive count", Duration.ofMillis(100), () -> -7, v -> v > 0, v -> v + " files"))
        .hasMessage("a positive count: not so after 100 ms; last seen: -7 files");
  }

  @Test
  void givesUpAtOnceWhenItCanNoLongerHappen() {
    long t0 = System.nanoTime();
    assertThatThrownBy(() -> Await.until("the port open", Duration.ofSeconds(60), () -> false, () -> true, () -> "the server exited (1)"))
        .hasMessage("the port open: given up, it can no longer happen; last seen: the server exited (1)");
    assertThat(System.nanoTime() - t0).as("long before the bound").isLessThan(Duration.ofSeconds(10).toNanos());
    // what it waited for came true as the process ended: no failure
    Await.until("the last line written", Duration.ofSeconds(60), new Await.Check() {
      int n;

      @Override
      public boolean holds() {
        return ++n > 1;
      }
    }, () -> true, () -> "");
  }

  @Test
  void anExceptionFromTheConditionFailsTheTestAtOnce() {
    assertThatThrownBy(() -> Await.until("the file read", Duration.ofSeconds(60), () -> {
      throw new IOException("no such file");
    }, () -> "")).isInstanceOf(AssertionError.class).hasMessageContaining("no such file");
    assertThatThrownBy(() -> Await.until("a status", Duration.ofMillis(50), () -> false, () -> {
      throw new IOException("socket gone");
    })).hasMessageContaining("last seen: (cannot tell: java.io.IOException: socket gone)");
  }
}
