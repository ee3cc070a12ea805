package dev.livesync.fs;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.nio.charset.StandardCharsets.ISO_8859_1;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/** libc's openlog/syslog, for inotifywait's -s/--syslog (and -d, which implies it). Neither can fail. */
public final class Syslog {
  private static final int LOG_INFO = 6;
  private static final int LOG_DAEMON = 3 << 3;
  private static final int LOG_PID = 0x01;
  private static final int LOG_CONS = 0x02;
  private static final int LOG_NDELAY = 0x08;

  private static final MethodHandle OPENLOG = Downcalls.fn("openlog", FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT, JAVA_INT));
  private static final MethodHandle SYSLOG =
      Downcalls.fn("syslog", FunctionDescriptor.ofVoid(JAVA_INT, ADDRESS, ADDRESS), Linker.Option.firstVariadicArg(2));

  private static boolean open;

  private Syslog() {}

  /** Opens the log as inotifywait does: {@code ident}, LOG_CONS | LOG_PID | LOG_NDELAY, LOG_DAEMON. */
  public static synchronized void open(String ident) {
    // openlog keeps the pointer, not a copy: the ident lives as long as the process
    MemorySegment id = Arena.global().allocateFrom(ident, ISO_8859_1);
    Libc.call(s -> {
      OPENLOG.invokeExact(s.errno, id, LOG_CONS | LOG_PID | LOG_NDELAY, LOG_DAEMON);
      return 0;
    });
    open = true;
  }

  /** Logs one message (chars as latin1 bytes, cut at a NUL as C's %s is) at LOG_INFO. Without {@link #open} this does nothing. */
  public static synchronized void info(String message) {
    if (!open) return;
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment fmt = arena.allocateFrom("%s", ISO_8859_1);
      MemorySegment msg = arena.allocateFrom(message, ISO_8859_1);
      Libc.call(s -> {
        SYSLOG.invokeExact(s.errno, LOG_INFO, fmt, msg);
        return 0;
      });
    }
  }
}
