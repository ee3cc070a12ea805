package dev.livesync.fs;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * glibc's "C" locale for the calling thread, around a libc call whose result depends on the locale
 * (regcomp, regexec, strftime). The JVM sets the process's locale from the environment at start
 * (a UTF-8 one under the launchers); the inotify-tools never call setlocale, so they run in "C":
 * one byte is one character, day and month names in English. {@code uselocale} changes the calling
 * thread only, and {@link #leave} puts back what it had.
 */
final class CLocale {
  private static final int LC_ALL_MASK = 8127;
  private static final MethodHandle NEWLOCALE =
      Downcalls.plain("newlocale", FunctionDescriptor.of(ADDRESS, JAVA_INT, ADDRESS, ADDRESS));
  private static final MethodHandle USELOCALE = Downcalls.plain("uselocale", FunctionDescriptor.of(ADDRESS, ADDRESS));
  /** newlocale for "C" hands out glibc's own static C locale: nothing to free. */
  private static final MemorySegment C = newC();

  private CLocale() {}

  private static MemorySegment newC() {
    try (var arena = java.lang.foreign.Arena.ofConfined()) {
      MemorySegment c = (MemorySegment) NEWLOCALE.invokeExact(LC_ALL_MASK, arena.allocateFrom("C"), MemorySegment.NULL);
      if (c.equals(MemorySegment.NULL)) throw new IllegalStateException("newlocale(\"C\") failed");
      return c;
    } catch (Throwable t) {
      throw Downcalls.rethrow(t);
    }
  }

  /** Switches the calling thread to the C locale; returns what it used before, for {@link #leave}. */
  static MemorySegment enter() {
    return use(C);
  }

  static void leave(MemorySegment previous) {
    use(previous);
  }

  private static MemorySegment use(MemorySegment locale) {
    try {
      return (MemorySegment) USELOCALE.invokeExact(locale);
    } catch (Throwable t) {
      throw Downcalls.rethrow(t);
    }
  }
}
