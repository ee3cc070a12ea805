package dev.livesync.fs;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.ref.Cleaner;

/**
 * A POSIX extended regular expression compiled by glibc's own {@code regcomp} and matched by its
 * {@code regexec}, in the C locale ({@link CLocale}): what inotifywait's {@code --exclude} and
 * {@code --include} do, so every pattern glibc accepts means here what it means there, and one it
 * refuses is refused. Patterns and subjects are byte strings (no NUL); only "does it match
 * somewhere" is asked ({@code REG_NOSUB}).
 */
public final class PosixRegex {
  private static final int REG_EXTENDED = 1;
  private static final int REG_ICASE = 2;
  private static final int REG_NOSUB = 8;
  /** sizeof(regex_t) on x86_64 and aarch64 glibc. */
  private static final long REGEX_T = 64;
  private static final MethodHandle REGCOMP =
      Downcalls.plain("regcomp", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
  private static final MethodHandle REGEXEC =
      Downcalls.plain("regexec", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, JAVA_INT));
  private static final MethodHandle REGFREE = Downcalls.plain("regfree", FunctionDescriptor.ofVoid(ADDRESS));
  private static final Cleaner CLEANER = Cleaner.create();

  private final MemorySegment regex;

  private PosixRegex(MemorySegment regex) {
    this.regex = regex;
  }

  /** Compiles {@code ere}; throws IllegalArgumentException when glibc refuses it. */
  public static PosixRegex compile(byte[] ere, boolean icase) {
    Arena arena = Arena.ofAuto();
    MemorySegment regex = arena.allocate(REGEX_T, 8);
    MemorySegment pattern = cstring(arena, ere);
    int flags = REG_EXTENDED | REG_NOSUB | (icase ? REG_ICASE : 0);
    MemorySegment locale = CLocale.enter();
    int rc;
    try {
      rc = (int) REGCOMP.invokeExact(regex, pattern, flags);
    } catch (Throwable t) {
      throw Downcalls.rethrow(t);
    } finally {
      CLocale.leave(locale);
    }
    if (rc != 0) throw new IllegalArgumentException("regcomp refused the expression (error " + rc + ")");
    PosixRegex compiled = new PosixRegex(regex);
    CLEANER.register(compiled, () -> free(regex));
    return compiled;
  }

  /** True when the expression matches somewhere in {@code subject}; called for every event, it allocates nothing. */
  public boolean find(byte[] subject) {
    refuseNul(subject);
    MemorySegment s = Libc.scratch().cstr1(subject); // the calling thread's path buffer
    MemorySegment locale = CLocale.enter();
    try {
      return (int) REGEXEC.invokeExact(regex, s, 0L, MemorySegment.NULL, 0) == 0;
    } catch (Throwable t) {
      throw Downcalls.rethrow(t);
    } finally {
      CLocale.leave(locale);
    }
  }

  private static void free(MemorySegment regex) {
    try {
      REGFREE.invokeExact(regex);
    } catch (Throwable t) {
      throw Downcalls.rethrow(t);
    }
  }

  private static void refuseNul(byte[] b) {
    for (byte x : b) {
      if (x == 0) throw new IllegalArgumentException("a NUL byte in a regular expression or its subject");
    }
  }

  private static MemorySegment cstring(Arena arena, byte[] b) {
    refuseNul(b);
    MemorySegment s = arena.allocate(b.length + 1L);
    MemorySegment.copy(b, 0, s, JAVA_BYTE, 0, b.length);
    return s;
  }
}
