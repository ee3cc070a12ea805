package dev.livesync.events;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/** libc's openlog/syslog through FFM, for inotifywait's -s/--syslog (and -d, which implies it). */
final class Syslog {
  private static final int LOG_INFO = 6;
  private static final int LOG_DAEMON = 3 << 3;
  private static final int LOG_PID = 0x01;
  private static final int LOG_CONS = 0x02;
  private static final int LOG_NDELAY = 0x08;

  private static MethodHandle syslog;

  private Syslog() {}

  /** Opens the log as inotifywait does: ident "inotifywait", LOG_CONS | LOG_PID | LOG_NDELAY, LOG_DAEMON. */
  static synchronized void open(String ident) {
    try {
      Linker linker = Linker.nativeLinker();
      MethodHandle openlog = linker.downcallHandle(
          linker.defaultLookup().find("openlog").orElseThrow(),
          FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT, JAVA_INT));
      syslog = linker.downcallHandle(
          linker.defaultLookup().find("syslog").orElseThrow(),
          FunctionDescriptor.ofVoid(JAVA_INT, ADDRESS, ADDRESS),
          Linker.Option.firstVariadicArg(2));
      openlog.invokeExact(cString(Arena.global(), ident.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)),
          LOG_CONS | LOG_PID | LOG_NDELAY, LOG_DAEMON);
    } catch (Throwable t) {
      syslog = null;
    }
  }

  /** Logs one message (bytes as latin1 chars) at LOG_INFO. Without {@link #open} this does nothing. */
  static synchronized void info(String message) {
    if (syslog == null) return;
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment fmt = cString(arena, new byte[] {'%', 's'});
      MemorySegment msg = cString(arena, message.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
      syslog.invokeExact(LOG_INFO, fmt, msg);
    } catch (Throwable t) {
      // syslog is best effort, as in C
    }
  }

  private static MemorySegment cString(Arena arena, byte[] b) {
    MemorySegment s = arena.allocate(b.length + 1L);
    MemorySegment.copy(b, 0, s, JAVA_BYTE, 0, b.length);
    s.set(JAVA_BYTE, b.length, (byte) 0);
    return s;
  }
}
