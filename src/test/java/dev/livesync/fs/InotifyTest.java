package dev.livesync.fs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class InotifyTest {
  /**
   * A signal handler may call wakeup() while the main thread closes the instance. Each round one
   * thread calls wakeup() in a loop while this one closes; neither may throw (a closed arena gives
   * IllegalStateException) and wakeup() after close() is a no-op.
   */
  @Test
  void wakeupRacingCloseNeverFails() throws Exception {
    AtomicReference<Throwable> failure = new AtomicReference<>();
    AtomicLong wakeupsAfterClose = new AtomicLong();
    for (int round = 0; round < 300 && failure.get() == null; round++) {
      Inotify in = Inotify.open();
      CountDownLatch started = new CountDownLatch(1);
      Thread hammer = new Thread(() -> {
        try {
          started.countDown();
          for (int i = 0; i < 2_000; i++) in.wakeup();
          wakeupsAfterClose.incrementAndGet();
        } catch (Throwable t) {
          failure.compareAndSet(null, t);
        }
      });
      hammer.start();
      started.await();
      try {
        in.close();
      } catch (Throwable t) {
        failure.compareAndSet(null, t);
      }
      hammer.join();
    }
    assertThat(failure.get()).isNull();
    assertThat(wakeupsAfterClose.get()).isEqualTo(300);
  }

  @Test
  void wakeupAfterCloseIsANoOpAndCloseIsIdempotent() {
    Inotify in = Inotify.open();
    in.close();
    in.wakeup();
    in.close();
  }
}
