package dev.livesync.fs;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * A time formatted by glibc's own {@code strftime} of {@code localtime_r}, in the C locale
 * ({@link CLocale}): what inotifywait's {@code --timefmt} prints for {@code %T}, every conversion,
 * flag and width exactly as glibc has them, the time zone from {@code TZ} or /etc/localtime as
 * glibc reads it.
 */
public final class Strftime {
  /** inotifytools formats %T into a buffer of 4096 and lets strftime fill 4095 of it. */
  private static final long MAX = 4095;
  /** sizeof(struct tm) on 64-bit glibc is 56. */
  private static final long TM = 64;
  private static final MethodHandle TZSET = Downcalls.plain("tzset", FunctionDescriptor.ofVoid());
  private static final MethodHandle LOCALTIME_R =
      Downcalls.plain("localtime_r", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
  private static final MethodHandle STRFTIME =
      Downcalls.plain("strftime", FunctionDescriptor.of(JAVA_LONG, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS));

  static {
    try {
      TZSET.invokeExact(); // localtime_r, unlike localtime, need not read the zone itself
    } catch (Throwable t) {
      throw Downcalls.rethrow(t);
    }
  }

  /** The format as a C string, made once (it is only read). */
  private final MemorySegment format;

  /** {@code format}: strftime's format, bytes without NUL. */
  public Strftime(byte[] format) {
    for (byte b : format) {
      if (b == 0) throw new IllegalArgumentException("a NUL byte in a time format");
    }
    this.format = Arena.ofAuto().allocate(format.length + 1L);
    MemorySegment.copy(format, 0, this.format, JAVA_BYTE, 0, format.length);
  }

  /**
   * {@code epochSecond} in local time, as strftime writes it; empty where strftime writes nothing
   * or more than 4095 bytes (it then returns 0).
   */
  public byte[] format(long epochSecond) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment t = arena.allocate(JAVA_LONG);
      t.set(JAVA_LONG, 0, epochSecond);
      MemorySegment tm = arena.allocate(TM, 8);
      MemorySegment out = arena.allocate(MAX + 1);
      MemorySegment locale = CLocale.enter();
      long n;
      try {
        MemorySegment r = (MemorySegment) LOCALTIME_R.invokeExact(t, tm);
        if (r.equals(MemorySegment.NULL)) return new byte[0];
        n = (long) STRFTIME.invokeExact(out, MAX, format, tm);
      } catch (Throwable x) {
        throw Downcalls.rethrow(x);
      } finally {
        CLocale.leave(locale);
      }
      return out.asSlice(0, n).toArray(JAVA_BYTE);
    }
  }
}
