package dev.livesync.fs;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.function.Consumer;

/**
 * Signal handlers for INT/TERM/HUP/USR1 (inotifywatch, run, serve), and SIGPIPE's death for
 * inotifywait. A shell starts background jobs with SIGINT ignored, and the JVM will not handle a
 * signal that was ignored at start, while inotifywatch sets its handlers regardless; so the
 * disposition is first reset to the default through libc.
 */
public final class Signals {
  private static final int SIGHUP = 1;
  private static final int SIGINT = 2;
  private static final int SIGPIPE = 13;
  private static final int SIGTERM = 15;

  private static final MethodHandle SIGNAL = Downcalls.fn("signal", FunctionDescriptor.of(ADDRESS, JAVA_INT, ADDRESS));
  private static final MethodHandle RAISE = Downcalls.fn("raise", FunctionDescriptor.of(JAVA_INT, JAVA_INT));

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

  /**
   * Whether {@code e} is a write to a pipe whose reader is gone (EPIPE): the JVM ignores SIGPIPE, and
   * its exception carries strerror's message, which this process's libc gives the same way.
   */
  public static boolean brokenPipe(IOException e) {
    return e != null && Libc.strerror(Errno.EPIPE).equals(e.getMessage());
  }

  /**
   * Ends the process as SIGPIPE ends a C program that writes to a pipe nobody reads any more (the
   * JVM ignores it): a shell then sees 141, as for inotifywait, and {@code set -o pipefail} the same.
   */
  public static void dieOfBrokenPipe() {
    resetToDefault(SIGPIPE);
    Libc.call(s -> (int) RAISE.invokeExact(s.errno, SIGPIPE));
  }

  /** signal(signo, SIG_DFL); it fails (SIG_ERR, address -1) only for a signal number it does not know. */
  private static void resetToDefault(int signo) {
    long r = Libc.call(s -> ((MemorySegment) SIGNAL.invokeExact(s.errno, signo, MemorySegment.NULL)).address());
    if (r < 0) throw new NativeException("signal", (int) -r, null);
  }
}
