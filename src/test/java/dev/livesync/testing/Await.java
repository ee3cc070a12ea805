package dev.livesync.testing;

import java.time.Duration;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The one way a test waits for something real (a file at the target, a port, a status): poll until
 * it holds, or fail after a bound with what was last seen. The bound is a ceiling for a loaded
 * machine, never a figure: a test that passes only because it waited long is a benchmark's business.
 *
 * <pre>{@code
 * Await.until("sub/marker at the target", Await.CONVERGE, () -> Trees.exists(at(dst, "sub/marker")), r::status);
 * long held = Await.value("deletions held", Await.CONVERGE, this::heldCount, n -> n > 0);
 * }</pre>
 */
public final class Await {
  private Await() {}

  /**
   * How long a test waits for the engine to bring a target level with its source (or for a started
   * process to answer): generous for a loaded 2-core machine shared by several test runs.
   */
  public static final Duration CONVERGE = Duration.ofSeconds(60);

  /** A condition polled by {@link #until}; may throw (the exception fails the test). */
  @FunctionalInterface
  public interface Check {
    boolean holds() throws Exception;
  }

  /** What {@link #value} polls; may throw (the exception fails the test). */
  @FunctionalInterface
  public interface Probe<T> {
    T get() throws Exception;
  }

  /** Polls {@code done} until it holds; after {@code timeout} fails naming {@code what} and showing {@code seen}. */
  public static void until(String what, Duration timeout, Check done, Probe<?> seen) {
    until(what, timeout, done, () -> false, seen);
  }

  /**
   * As {@link #until(String, Duration, Check, Probe)}, but fails at once when {@code hopeless}
   * holds (the process that was to do it exited) and {@code done} still does not.
   */
  public static void until(String what, Duration timeout, Check done, Check hopeless, Probe<?> seen) {
    long deadline = System.nanoTime() + timeout.toNanos();
    long pause = 5;
    while (!check(done)) {
      if (check(hopeless)) {
        if (check(done)) return;
        throw new AssertionError(what + ": given up, it can no longer happen; last seen: " + shown(seen));
      }
      if (System.nanoTime() > deadline) throw new AssertionError(what + ": not so after " + human(timeout) + "; last seen: " + shown(seen));
      sleep(pause);
      pause = Math.min(50, pause * 2);
    }
  }

  /** Polls {@code probe} until {@code done} accepts its value, which it returns; fails with the last value after {@code timeout}. */
  public static <T> T value(String what, Duration timeout, Probe<T> probe, Predicate<? super T> done) {
    return value(what, timeout, probe, done, String::valueOf);
  }

  /** As {@link #value(String, Duration, Probe, Predicate)}, the last value shown by {@code show} when it fails. */
  public static <T> T value(String what, Duration timeout, Probe<T> probe, Predicate<? super T> done, Function<? super T, ?> show) {
    long deadline = System.nanoTime() + timeout.toNanos();
    long pause = 5;
    while (true) {
      T v = get(probe);
      if (done.test(v)) return v;
      if (System.nanoTime() > deadline) throw new AssertionError(what + ": not so after " + human(timeout) + "; last seen: " + show.apply(v));
      sleep(pause);
      pause = Math.min(50, pause * 2);
    }
  }

  /** What was seen, for a failure message: never the reason for another failure. */
  private static String shown(Probe<?> seen) {
    try {
      return String.valueOf(seen.get());
    } catch (Exception e) {
      return "(cannot tell: " + e + ")";
    }
  }

  private static boolean check(Check c) {
    return get(c::holds, "the condition");
  }

  private static <T> T get(Probe<T> p) {
    return get(p, "the value");
  }

  private static <T> T get(Probe<T> p, String what) {
    try {
      return p.get();
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting", e);
    } catch (Exception e) {
      throw new AssertionError(what + " waited for threw " + e, e);
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting", e);
    }
  }

  private static String human(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
  }
}
