package dev.livesync.fs;

/**
 * Is anyone writing this file right now? Only a regular file can be: a symlink, a directory, a fifo,
 * a socket or a device node never is (the path is judged by what it is now, so a name that was a
 * file and is now a symlink is not). For a regular file, the kernel is asked:
 *
 * <ol>
 *   <li>a read lease ({@code fcntl(F_SETLEASE, F_RDLCK)}) on a read-only descriptor is refused with
 *       EAGAIN exactly while some process has the file open for writing; granted, it is dropped at
 *       once. Leases need the file's owner or CAP_LEASE (root has it). While the lease is held (a
 *       few microseconds) a writer's open() waits for its release, and a non-blocking one fails with
 *       EWOULDBLOCK; the lease-break signal is SIGURG, which the JVM ignores (the default SIGIO would
 *       end the process).
 *   <li>where leases are refused for another reason (not the owner, leases disabled, a file system
 *       without them), every process's open descriptors are looked at in /proc: a descriptor on this
 *       path open for writing (O_WRONLY or O_RDWR in its fdinfo flags). That costs a readlink per
 *       open descriptor on the machine, so it is the fallback, not the rule.
 * </ol>
 *
 * The answer is for one moment: a writer may open the file the next one.
 */
public final class WriterProbe {
  private static final int SIGURG = 23;
  private static final int OPEN_FLAGS = Libc.O_RDONLY | Libc.O_NONBLOCK | Libc.O_NOFOLLOW | Libc.O_NOCTTY | Libc.O_CLOEXEC;

  private WriterProbe() {}

  /** True when {@code path} is a regular file some process has open for writing now. */
  public static boolean beingWritten(byte[] path) {
    Libc.Stat st = Libc.lstatLook(path);
    if (st == null || !st.isRegular()) return false;
    return switch (lease(path)) {
      case 0 -> false;
      case 1 -> true;
      default -> stillRegular(path) && procSaysWritten(path);
    };
  }

  /** 0: nobody writes it; 1: somebody does; -1: the lease cannot tell. */
  static int lease(byte[] path) {
    int fd = Libc.openRaw(path, OPEN_FLAGS, 0);
    if (fd < 0) return fd == -Errno.ENOENT || fd == -Errno.ELOOP || fd == -Errno.ENOTDIR ? 0 : -1;
    try {
      if (Libc.fcntl(fd, Libc.F_SETSIG, SIGURG) < 0) return -1;
      int r = Libc.fcntl(fd, Libc.F_SETLEASE, Libc.F_RDLCK);
      if (r == 0) {
        Libc.fcntl(fd, Libc.F_SETLEASE, Libc.F_UNLCK);
        return 0;
      }
      return r == -Errno.EAGAIN ? 1 : -1;
    } finally {
      Libc.close(fd); // closing drops a lease too
    }
  }

  private static boolean stillRegular(byte[] path) {
    Libc.Stat st = Libc.lstatLook(path);
    return st != null && st.isRegular();
  }

  /** The /proc fallback: some descriptor of some process names {@code path} and is open for writing. */
  static boolean procSaysWritten(byte[] path) {
    boolean[] found = {false};
    byte[] proc = Bytes.of("/proc");
    try {
      Libc.listDir(proc, (pid, type) -> {
        if (found[0] || pid.length == 0 || pid[0] < '1' || pid[0] > '9') return;
        byte[] fdDir = Bytes.concat(proc, Bytes.of("/"), pid, Bytes.of("/fd"));
        try {
          Libc.listDir(fdDir, (fd, t) -> {
            if (found[0]) return;
            byte[] target = Libc.readlinkOrNull(Bytes.concat(fdDir, Bytes.of("/"), fd));
            if (target != null && java.util.Arrays.equals(target, path) && writable(Bytes.concat(proc, Bytes.of("/"), pid, Bytes.of("/fdinfo/"), fd)))
              found[0] = true;
          });
        } catch (NativeException e) {
          // gone, or not ours to look at
        }
      });
    } catch (NativeException e) {
      return true; // no /proc: cannot tell, so keep the old rule (held until close_write or max_hold)
    }
    return found[0];
  }

  /** The "flags:" line of an fdinfo file says O_WRONLY or O_RDWR. */
  private static boolean writable(byte[] fdinfo) {
    try {
      String text = java.nio.file.Files.readString(java.nio.file.Path.of(Bytes.latin1(fdinfo)), java.nio.charset.StandardCharsets.ISO_8859_1);
      for (String line : text.split("\n")) {
        if (line.startsWith("flags:")) return (Integer.parseInt(line.substring(6).trim(), 8) & 3) != 0;
      }
    } catch (java.io.IOException | RuntimeException e) {
      // closed meanwhile
    }
    return false;
  }
}
