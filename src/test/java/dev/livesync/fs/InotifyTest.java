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

  /**
   * Found by CI (FaultScenariosTest teardown): a Replicator stopped while its loop thread still sat
   * in read() closed the arena under the native poll ("Session is acquired by 1 clients"). Now the
   * reader is woken and releases the instance on its way out; its fds are closed then, not before.
   */
  @Test
  void closeWhileAnotherThreadIsBlockedInReadWakesItAndReleasesAfterIt() throws Exception {
    long fdsBefore = openFds();
    for (int round = 0; round < 50; round++) {
      Inotify in = Inotify.open();
      AtomicReference<Throwable> failure = new AtomicReference<>();
      CountDownLatch reading = new CountDownLatch(1);
      Thread reader = new Thread(() -> {
        try {
          reading.countDown();
          in.read(-1, (wd, mask, cookie, name) -> {});
        } catch (Throwable t) {
          failure.set(t);
        }
      });
      reader.start();
      reading.await();
      Thread.sleep(round % 5); // sometimes before, mostly inside poll
      in.close();
      reader.join(10_000);
      assertThat(reader.isAlive()).as("the reader was woken").isFalse();
      if (failure.get() != null) assertThat(failure.get()).as("only a read that started after close may fail").isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }
    assertThat(openFds()).as("every instance released its fds").isEqualTo(fdsBefore);
  }

  /**
   * Read ahead by a thread of its own: the events come in the kernel's order, none lost while the
   * caller does not read (more than the kernel queues by default), a timeout of 0 still sees what
   * the kernel holds, and wakeup() and close() reach a caller waiting for it.
   */
  /**
   * Read ahead, a read hands over everything the thread has read so far (up to a buffer), not one of
   * its reads: it reads as soon as the kernel has an event, and an engine taking one of its reads a
   * turn fell a minute behind the kernel under a load of 2,000 files a second. Until then, how long
   * they have waited is known ({@code unreadAgeNanos}: the targets' lag counts it).
   */
  @Test
  void aReadAfterReadAheadTakesEverythingReadSoFar() throws Exception {
    byte[] dir = dev.livesync.testing.Trees.tempDir("inotify-ahead-all");
    Inotify in = Inotify.open();
    try {
      in.readAhead(16 << 20);
      in.addWatch(dir, InotifyMask.IN_CREATE);
      int files = 200;
      for (int i = 0; i < files; i++) {
        Libc.writeFile(Bytes.child(dir, Bytes.of("f" + i)), new byte[0], 0644);
        Thread.sleep(1); // the thread reads them one or a few at a time
      }
      WakeableFd queue = (WakeableFd) in.queue();
      dev.livesync.testing.Await.until("the thread has read every event", dev.livesync.testing.Await.CONVERGE, queue::readAheadCaughtUp, queue::unreadAgeNanos);
      Thread.sleep(200); // nothing read ahead is taken meanwhile
      assertThat(in.queue().unreadAgeNanos()).as("the oldest read ahead waits since before the pause").isGreaterThanOrEqualTo(200_000_000L);
      int[] read = {0};
      assertThat(in.read(0, (wd, mask, cookie, name) -> read[0]++)).isEqualTo(files);
      assertThat(read[0]).isEqualTo(files);
      assertThat(in.queue().unreadAgeNanos()).as("none waits").isZero();
    } finally {
      in.close();
      dev.livesync.testing.Trees.delete(dir);
    }
  }

  /**
   * {@code drainedAtNanos()}: a read that leaves events in the kernel (its buffer full) does not
   * count; one that empties the queue, or finds nothing, does, from when it started. With and without
   * the read-ahead thread.
   */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
  void drainedAtComesOnlyWithTheReadThatEmptiedTheQueue(boolean ahead) throws Exception {
    byte[] dir = dev.livesync.testing.Trees.tempDir("inotify-drained");
    Inotify in = Inotify.open();
    try {
      if (ahead) in.readAhead(16 << 20);
      in.addWatch(dir, InotifyMask.IN_CREATE);
      assertThat(in.queue().drainedAtNanos()).as("nothing read yet").isEqualTo(Long.MIN_VALUE);
      int files = 12_000; // 32 bytes each: more than one 256 KiB read
      for (int i = 0; i < files; i++) Libc.writeFile(Bytes.child(dir, Bytes.of("f" + i)), new byte[0], 0644);
      long mark = System.nanoTime();
      int[] read = {0};
      int reads = 0;
      while (in.read(0, (wd, mask, cookie, name) -> read[0]++) > 0) {
        reads++;
        if (in.queue().drainedAtNanos() >= mark) assertThat(read[0]).as("drained after the mark: all read").isEqualTo(files);
        if (!ahead && reads == 1) assertThat(in.queue().drainedAtNanos()).as("a full read leaves events in the kernel").isLessThan(mark);
      }
      assertThat(read[0]).isEqualTo(files);
      assertThat(in.queue().drainedAtNanos()).as("the read that found nothing").isGreaterThanOrEqualTo(mark);
    } finally {
      in.close();
      dev.livesync.testing.Trees.delete(dir);
    }
  }

  @Test
  void readAheadKeepsEveryEventInOrderWhileTheCallerIsAway() throws Exception {
    byte[] dir = dev.livesync.testing.Trees.tempDir("inotify-ahead");
    long fdsBefore = openFds();
    Inotify in = Inotify.open();
    try {
      in.readAhead(16 << 20);
      in.addWatch(dir, InotifyMask.IN_CREATE);
      int files = (int) KernelLimits.maxQueuedEvents() + 500;
      for (int i = 0; i < files; i++) Libc.writeFile(Bytes.child(dir, Bytes.of("f" + i)), new byte[0], 0644);
      java.util.List<String> names = new java.util.ArrayList<>();
      boolean[] overflow = {false};
      while (in.read(0, (wd, mask, cookie, name) -> {
        if ((mask & InotifyMask.IN_Q_OVERFLOW) != 0) overflow[0] = true;
        else names.add(Bytes.display(name));
      }) > 0) {
        // a timeout of 0: everything the kernel had is read
      }
      assertThat(overflow[0]).as("the kernel's queue overflowed").isFalse();
      assertThat(names).hasSize(files);
      for (int i = 0; i < files; i++) assertThat(names.get(i)).isEqualTo("f" + i);

      for (Runnable meanwhile : new Runnable[] {in::wakeup, in::close}) {
        Thread other = new Thread(() -> {
          sleep(200);
          meanwhile.run();
        });
        other.start();
        assertThat(in.read(-1, (wd, mask, cookie, name) -> {})).as("woken, then closed, while waiting").isZero();
        other.join();
      }
    } finally {
      in.close();
      dev.livesync.testing.Trees.delete(dir);
    }
    for (int i = 0; i < 100 && openFds() != fdsBefore; i++) Thread.sleep(20); // the reader thread releases them on its way out
    assertThat(openFds()).as("the reader released the instance's fds").isEqualTo(fdsBefore);
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static long openFds() throws java.io.IOException {
    try (var s = java.nio.file.Files.list(java.nio.file.Path.of("/proc/self/fd"))) {
      return s.count();
    }
  }
}
