package dev.livesync.workload;

import static dev.livesync.testing.Trees.at;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.livesync.fs.Bytes;
import dev.livesync.fs.Libc;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * GNU tar's delayed links, syscall for syscall (tar 1.34, extract.c): a symlink whose target is
 * absolute or holds ".." is first extracted as an empty placeholder regular file
 * ({@code openat(O_WRONLY|O_CREAT|O_EXCL, 0)} then close), and only after the whole archive
 * {@code unlinkat} + {@code symlinkat} under the same name, then {@code utimensat(AT_SYMLINK_NOFOLLOW)}
 * with the access time omitted (inotify reports that as IN_MODIFY, with no close ever following) and
 * {@code fchownat(AT_SYMLINK_NOFOLLOW)} (IN_ATTRIB). A hard link made late is unlink + {@code link()}.
 */
final class TarPattern {
  private static final Linker LINKER = Linker.nativeLinker();
  private static final int AT_FDCWD = -100, AT_SYMLINK_NOFOLLOW = 0x100;
  private static final long UTIME_OMIT = (1L << 30) - 2;
  private static final MethodHandle UTIMENSAT = fn("utimensat", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
  private static final MethodHandle FCHOWNAT = fn("fchownat", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT));
  private static final MethodHandle LINK = fn("link", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));

  private TarPattern() {}

  private static MethodHandle fn(String name, FunctionDescriptor fd) {
    return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), fd);
  }

  /** The placeholder: an empty regular file of mode 0, created exclusively and closed at once. */
  static void placeholder(byte[] path) {
    int fd = Libc.open(path, Libc.O_WRONLY | Libc.O_CREAT | 0x80 /* O_EXCL */ | Libc.O_CLOEXEC, 0);
    Libc.close(fd);
  }

  /** The end of the archive: the placeholder becomes the symlink, with tar's mtime and owner calls. */
  static void replaceBySymlink(byte[] path, byte[] target, long mtimeSec) {
    Libc.unlink(path);
    Libc.symlink(target, path);
    try (Arena a = Arena.ofConfined()) {
      MemorySegment p = a.allocateFrom(new String(path, java.nio.charset.StandardCharsets.ISO_8859_1), java.nio.charset.StandardCharsets.ISO_8859_1);
      MemorySegment times = a.allocate(32, 8);
      times.set(JAVA_LONG, 0, 0);
      times.set(JAVA_LONG, 8, UTIME_OMIT);
      times.set(JAVA_LONG, 16, mtimeSec);
      times.set(JAVA_LONG, 24, 0);
      check("utimensat", (int) UTIMENSAT.invokeExact(AT_FDCWD, p, times, AT_SYMLINK_NOFOLLOW));
      check("fchownat", (int) FCHOWNAT.invokeExact(AT_FDCWD, p, 0, 0, AT_SYMLINK_NOFOLLOW));
    } catch (Throwable t) {
      throw t instanceof RuntimeException r ? r : new IllegalStateException(t);
    }
  }

  /** The end of the archive for a hard link: the placeholder becomes a second name of {@code existing}. */
  static void replaceByHardLink(byte[] path, byte[] existing) {
    Libc.unlink(path);
    try (Arena a = Arena.ofConfined()) {
      var cs = java.nio.charset.StandardCharsets.ISO_8859_1;
      check("link", (int) LINK.invokeExact(a.allocateFrom(new String(existing, cs), cs), a.allocateFrom(new String(path, cs), cs)));
    } catch (Throwable t) {
      throw t instanceof RuntimeException r ? r : new IllegalStateException(t);
    }
  }

  private static void check(String op, int r) {
    if (r != 0) throw new IllegalStateException(op + " failed");
  }

}
