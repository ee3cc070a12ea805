package dev.livesync.events;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.function.Consumer;

/**
 * Signal handlers for inotifywatch's INT/TERM/HUP/USR1. A shell starts background jobs with SIGINT
 * ignored, and the JVM will not handle a signal that was ignored at start, while inotifywatch sets
 * its handlers regardless; so the disposition is first reset to the default through libc.
 */
public final class Signals {
  private static final int SIGHUP = 1;
  private static final int SIGINT = 2;
  private static final int SIGTERM = 15;

  private Signals() {}

  /** Calls {@code handler} with the signal name (INT, TERM, HUP, USR1) on each of those signals. */
  public static void handle(Consumer<String> handler) {
    resetToDefault(SIGINT);
    resetToDefault(SIGTERM);
    resetToDefault(SIGHUP);
    for (String name : new String[] {"INT", "TERM", "HUP", "USR1"}) {
      try {
        sun.misc.Signal.handle(new sun.misc.Signal(name), s -> handler.accept(s.getName()));
      } catch (IllegalArgumentException e) {
        // used by the JVM here: keep its default action
      }
    }
  }

  private static void resetToDefault(int signo) {
    try {
      Linker linker = Linker.nativeLinker();
      MethodHandle signal = linker.downcallHandle(
          linker.defaultLookup().find("signal").orElseThrow(), FunctionDescriptor.of(ADDRESS, JAVA_INT, ADDRESS));
      MemorySegment unused = (MemorySegment) signal.invokeExact(signo, MemorySegment.NULL);
    } catch (Throwable t) {
      // best effort
    }
  }
}
