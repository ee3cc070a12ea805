package dev.livesync.fs;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * A path's status-change time (st_ctim from lstat(2)): what the kernel sets on every write, chmod,
 * chown, link, rename and, on a directory, every entry made or removed in it. No program can set it
 * back (unlike the mtime that tar and rsync set), so "changed since" is "ctime at or after".
 */
public final class ChangeTimes {
  private static final MethodHandle LSTAT = Downcalls.fn("lstat", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
  /** st_ctim in struct stat: at byte 104 on x86_64 and on aarch64 (asm-generic) alike. */
  private static final long CTIME_SEC = 104;
  private static final long CTIME_NSEC = 112;

  private ChangeTimes() {}

  /** The ctime of {@code path} (not following a symlink) in nanoseconds since the epoch, or -1 when it is gone. */
  public static long ctimeNanos(byte[] path) {
    return ctimeNanos(path, null);
  }

  /** {@link #ctimeNanos(byte[])}, its inode number put in {@code ino[0]} (when not null and it is there). */
  public static long ctimeNanos(byte[] path, long[] ino) {
    int r = (int) Libc.call(s -> (int) LSTAT.invokeExact(s.errno, s.cstr1(path), s.stat));
    if (r < 0) {
      if (-r == Errno.ENOENT || -r == Errno.ENOTDIR) return -1;
      throw new NativeException("lstat", -r, path);
    }
    MemorySegment b = Libc.scratch().stat;
    if (ino != null) ino[0] = b.get(JAVA_LONG, 8); // st_ino: at byte 8 on x86_64 and aarch64
    return b.get(JAVA_LONG, CTIME_SEC) * 1_000_000_000L + b.get(JAVA_LONG, CTIME_NSEC);
  }
}
