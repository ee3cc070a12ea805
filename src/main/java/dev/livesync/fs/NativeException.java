package dev.livesync.fs;

import dev.livesync.LivesyncException;

/**
 * A failed system call, with a message an operator can act on: which call, which path, and for the
 * inotify limits, which /proc/sys file holds the limit, its value and how to raise it.
 */
public final class NativeException extends LivesyncException {
  private final int errno;
  private final String op;
  private final byte[] path;

  public NativeException(String op, int errno, byte[] path) {
    super(describe(op, errno, path), 1);
    this.op = op;
    this.errno = errno;
    this.path = path;
  }

  public int errno() {
    return errno;
  }

  public String op() {
    return op;
  }

  /** The path the call was about, or null. */
  public byte[] path() {
    return path;
  }

  private static String describe(String op, int errno, byte[] path) {
    String where = path == null ? "" : " " + Bytes.display(path);
    if (op.equals("inotify_add_watch") && errno == Errno.ENOSPC) {
      return "cannot watch" + where + ": the inotify watch limit is reached (fs.inotify.max_user_watches = "
          + KernelLimits.describe(KernelLimits.MAX_USER_WATCHES)
          + ", in /proc/sys/fs/inotify/max_user_watches). Each watched directory takes one watch."
          + " Raise it with `sysctl fs.inotify.max_user_watches=<n>` or `livesync doctor --fix`.";
    }
    if (op.equals("inotify_init1") && errno == Errno.EMFILE) {
      return "cannot create an inotify instance: the per-user limit is reached (fs.inotify.max_user_instances = "
          + KernelLimits.describe(KernelLimits.MAX_USER_INSTANCES)
          + ", in /proc/sys/fs/inotify/max_user_instances). Raise it with"
          + " `sysctl fs.inotify.max_user_instances=<n>` or `livesync doctor --fix`.";
    }
    String what = switch (errno) {
      case Errno.ENOENT -> "no such file or directory";
      case Errno.EACCES -> "permission denied";
      case Errno.ENOTDIR -> "not a directory";
      default -> Libc.strerror(errno).toLowerCase(java.util.Locale.ROOT);
    };
    return op + where + ": " + what + " (" + Errno.name(errno) + ")";
  }
}
