package dev.livesync.fs;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.FunctionDescriptor;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;

/**
 * A directory renamed inside a root that others can write (an rsync daemon's module), never outside
 * it: each directory on the way is opened relative to the one before with {@code O_NOFOLLOW}, so a
 * symlink anywhere in either path stops the rename instead of leading out of the root; the rename is
 * {@code renameat2(RENAME_NOREPLACE)} between the two parents, so nothing already at the new name is
 * replaced. Names are relative, without "." or ".." components.
 */
public final class ConfinedRename {
  private static final MethodHandle OPENAT =
      Downcalls.fn("openat", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
  private static final MethodHandle RENAMEAT2 =
      Downcalls.fn("renameat2", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT));
  private static final int DIR_FLAGS = Libc.O_PATH | Libc.O_DIRECTORY | Libc.O_NOFOLLOW | Libc.O_CLOEXEC;
  private static final int RENAME_NOREPLACE = 1;

  private ConfinedRename() {}

  /**
   * Renames the directory {@code from} to {@code to}, both relative to {@code root} (absolute). The
   * new name's parent must exist. Throws {@link NativeException} naming the call and path that failed
   * (ELOOP or ENOTDIR: a symlink or a file where a directory was to be; EEXIST: the new name is taken).
   */
  public static void rename(byte[] root, byte[] from, byte[] to) {
    List<byte[]> f = components(from, "from");
    List<byte[]> t = components(to, "to");
    int rootFd = Libc.open(root, DIR_FLAGS & ~Libc.O_NOFOLLOW, 0);
    int fromParent = -1, toParent = -1, fromDir = -1;
    try {
      fromParent = walk(rootFd, f, root);
      toParent = walk(rootFd, t, root);
      byte[] fromName = f.getLast(), toName = t.getLast();
      fromDir = openAt(fromParent, fromName, from); // a directory, not a symlink to one
      int pf = fromParent, pt = toParent;
      int r = (int) Libc.call(s -> (int) RENAMEAT2.invokeExact(s.errno, pf, s.cstr1(fromName), pt, s.cstr2(toName), RENAME_NOREPLACE));
      if (r < 0) throw new NativeException("renameat2", -r, to);
    } finally {
      for (int fd : new int[] {fromDir, toParent, fromParent, rootFd}) if (fd >= 0) Libc.close(fd);
    }
  }

  /** The directory holding the last component of {@code names}, opened one step at a time from {@code rootFd}. */
  private static int walk(int rootFd, List<byte[]> names, byte[] root) {
    int fd = openAt(rootFd, new byte[] {'.'}, root);
    byte[] at = root;
    for (int i = 0; i < names.size() - 1; i++) {
      at = Bytes.child(at, names.get(i));
      int next;
      try {
        next = openAt(fd, names.get(i), at);
      } finally {
        Libc.close(fd);
      }
      fd = next;
    }
    return fd;
  }

  private static int openAt(int dirFd, byte[] name, byte[] shown) {
    int fd = (int) Libc.call(s -> (int) OPENAT.invokeExact(s.errno, dirFd, s.cstr1(name), DIR_FLAGS, 0));
    if (fd < 0) throw new NativeException("openat", -fd, shown);
    return fd;
  }

  /** The components of a relative path; a usage error for an absolute one, an empty one, "." or "..". */
  static List<byte[]> components(byte[] path, String what) {
    List<byte[]> out = new ArrayList<>();
    int start = 0;
    for (int i = 0; i <= path.length; i++) {
      if (i < path.length && path[i] != '/') continue;
      int n = i - start;
      boolean dots = (n == 1 && path[start] == '.') || (n == 2 && path[start] == '.' && path[start + 1] == '.');
      if (n == 0 || dots) throw new IllegalArgumentException(what + " is not a relative path of plain names: " + Bytes.display(path));
      byte[] c = new byte[n];
      System.arraycopy(path, start, c, 0, n);
      out.add(c);
      start = i + 1;
    }
    return out;
  }
}
