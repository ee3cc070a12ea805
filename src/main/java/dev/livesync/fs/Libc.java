package dev.livesync.fs;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;

/**
 * The libc calls livesync makes, through the FFM API. Paths are byte strings; each call copies its
 * path into a per-thread native buffer (no allocation per call) and turns a failure into a
 * {@link NativeException} carrying errno. x86_64/aarch64 Linux layouts (glibc >= 2.33).
 */
public final class Libc {
  public static final int DT_UNKNOWN = 0;
  public static final int DT_DIR = 4;
  public static final int DT_REG = 8;
  public static final int DT_LNK = 10;

  public static final int O_RDONLY = 0;
  public static final int O_WRONLY = 1;
  public static final int O_CREAT = 0x40;
  public static final int O_NOCTTY = 0x100;
  public static final int O_NONBLOCK = 0x800;
  public static final int O_TRUNC = 0x200;
  public static final int O_LARGEFILE = 0x8000;
  public static final int O_DIRECTORY = 0x10000;
  public static final int O_NOFOLLOW = 0x20000;
  public static final int O_CLOEXEC = 0x80000;
  public static final int O_PATH = 0x200000;

  public static final short POLLIN = 1;

  public static final int F_SETSIG = 10;
  public static final int F_SETLEASE = 1024;
  public static final int F_RDLCK = 0;
  public static final int F_UNLCK = 2;

  private static final MethodHandle READ = Downcalls.fn("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
  private static final MethodHandle WRITE = Downcalls.fn("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
  private static final MethodHandle CLOSE = Downcalls.fn("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
  private static final MethodHandle POLL = Downcalls.fn("poll", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
  private static final MethodHandle EVENTFD = Downcalls.fn("eventfd", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
  private static final MethodHandle OPEN =
      Downcalls.fn("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), Linker.Option.firstVariadicArg(2));
  private static final MethodHandle FCNTL =
      Downcalls.fn("fcntl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), Linker.Option.firstVariadicArg(2));
  private static final MethodHandle READLINK = Downcalls.fn("readlink", FunctionDescriptor.of(JAVA_LONG, ADDRESS, ADDRESS, JAVA_LONG));
  private static final MethodHandle GETDENTS64 = Downcalls.fn("getdents64", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
  private static final MethodHandle LSTAT = Downcalls.fn("lstat", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
  private static final MethodHandle STAT = Downcalls.fn("stat", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
  private static final MethodHandle RENAME = Downcalls.fn("rename", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
  private static final MethodHandle UNLINK = Downcalls.fn("unlink", FunctionDescriptor.of(JAVA_INT, ADDRESS));
  private static final MethodHandle RMDIR = Downcalls.fn("rmdir", FunctionDescriptor.of(JAVA_INT, ADDRESS));
  private static final MethodHandle MKDIR = Downcalls.fn("mkdir", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
  private static final MethodHandle SYMLINK = Downcalls.fn("symlink", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
  private static final MethodHandle STRERROR = Downcalls.fn("strerror", FunctionDescriptor.of(ADDRESS, JAVA_INT));

  /** struct stat on x86_64 / aarch64 glibc: 144 / 128 bytes; 256 covers both. */
  private static final long STAT_SIZE = 256;
  private static final boolean AARCH64 = System.getProperty("os.arch").equals("aarch64");

  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  private Libc() {}

  /** The per-thread native buffers a call needs: errno capture, two path buffers, a stat buffer. */
  static final class Scratch {
    final Arena arena = Arena.ofAuto();
    final MemorySegment errno = arena.allocate(Downcalls.CAPTURE);
    final MemorySegment stat = arena.allocate(STAT_SIZE, 8);
    MemorySegment path1 = arena.allocate(4096);
    MemorySegment path2 = arena.allocate(4096);

    MemorySegment cstr1(byte[] p) {
      if (path1.byteSize() <= p.length) path1 = arena.allocate(p.length + 1L);
      return fill(path1, p);
    }

    MemorySegment cstr2(byte[] p) {
      if (path2.byteSize() <= p.length) path2 = arena.allocate(p.length + 1L);
      return fill(path2, p);
    }

    private static MemorySegment fill(MemorySegment buf, byte[] p) {
      for (byte b : p) {
        if (b == 0) throw new NativeException("path", Errno.EINVAL, p);
      }
      MemorySegment.copy(p, 0, buf, JAVA_BYTE, 0, p.length);
      buf.set(JAVA_BYTE, p.length, (byte) 0);
      return buf;
    }

    int errno() {
      return Downcalls.errno(errno);
    }
  }

  /** One downcall, given the calling thread's {@link Scratch} (its errno capture and buffers). */
  @FunctionalInterface
  interface Call {
    long invoke(Scratch s) throws Throwable;
  }

  /** Makes one downcall: its result, or minus errno where it returned a negative number. */
  static long call(Call c) {
    Scratch s = SCRATCH.get();
    long r;
    try {
      r = c.invoke(s);
    } catch (Throwable t) {
      throw Downcalls.rethrow(t);
    }
    return r < 0 ? -s.errno() : r;
  }

  /** The calling thread's buffers, as the last {@link #call} used them. */
  static Scratch scratch() {
    return SCRATCH.get();
  }

  // ---- descriptors ----

  /** read(2); returns bytes read, or minus errno (EAGAIN on an empty non-blocking fd, EINTR). */
  public static long read(int fd, MemorySegment buf, long n) {
    return call(s -> (long) READ.invokeExact(s.errno, fd, buf, n));
  }

  public static long write(int fd, MemorySegment buf, long n) {
    return call(s -> (long) WRITE.invokeExact(s.errno, fd, buf, n));
  }

  public static void close(int fd) {
    call(s -> (int) CLOSE.invokeExact(s.errno, fd));
  }

  /**
   * poll(2) on {@code fds} (an array of struct pollfd, see {@link #pollfds}); returns the count of
   * ready descriptors, 0 on timeout, or minus errno.
   */
  public static int poll(MemorySegment fds, int nfds, int timeoutMillis) {
    return (int) call(s -> (int) POLL.invokeExact(s.errno, fds, (long) nfds, timeoutMillis));
  }

  /** Allocates struct pollfd[fds.length] watching each for POLLIN. */
  public static MemorySegment pollfds(Arena arena, int... fds) {
    MemorySegment seg = arena.allocate(8L * fds.length, 8);
    for (int i = 0; i < fds.length; i++) {
      seg.set(JAVA_INT, 8L * i, fds[i]);
      seg.set(JAVA_SHORT, 8L * i + 4, POLLIN);
      seg.set(JAVA_SHORT, 8L * i + 6, (short) 0);
    }
    return seg;
  }

  public static short revents(MemorySegment pollfds, int index) {
    return pollfds.get(JAVA_SHORT, 8L * index + 6);
  }

  public static int eventfd(int initval, int flags) {
    int fd = (int) call(s -> (int) EVENTFD.invokeExact(s.errno, initval, flags));
    if (fd < 0) throw new NativeException("eventfd", -fd, null);
    return fd;
  }

  public static int open(byte[] path, int flags, int mode) {
    int fd = openRaw(path, flags, mode);
    if (fd < 0) throw new NativeException("open", -fd, path);
    return fd;
  }

  /** open(2); returns the descriptor, or minus errno: for callers that handle failures themselves. */
  public static int openRaw(byte[] path, int flags, int mode) {
    return (int) call(s -> (int) OPEN.invokeExact(s.errno, s.cstr1(path), flags, mode));
  }

  /** fcntl(2) with an int argument; returns its result, or minus errno. */
  public static int fcntl(int fd, int cmd, int arg) {
    return (int) call(s -> (int) FCNTL.invokeExact(s.errno, fd, cmd, arg));
  }

  /** readlink(2): the link's target as bytes, or null when {@code path} is missing, no symlink, or its target too long for PATH_MAX. */
  public static byte[] readlinkOrNull(byte[] path) {
    long n = call(s -> (long) READLINK.invokeExact(s.errno, s.cstr1(path), s.path2, s.path2.byteSize()));
    if (n < 0 || n >= scratch().path2.byteSize()) return null;
    byte[] out = new byte[(int) n];
    MemorySegment.copy(scratch().path2, JAVA_BYTE, 0, out, 0, (int) n);
    return out;
  }

  // ---- directories ----

  /** Receives one directory entry: its name (a fresh array) and d_type ({@link #DT_DIR}, ...). */
  @FunctionalInterface
  public interface DirEntryConsumer {
    void entry(byte[] name, int dType);
  }

  /** A directory entry with its inode number (d_ino, as the directory holds it: no stat). */
  @FunctionalInterface
  public interface InodeEntryConsumer {
    void entry(byte[] name, int dType, long ino);
  }

  /**
   * Lists {@code dir} with getdents64 (no stat per entry), skipping "." and "..". Does not follow a
   * symlink at {@code dir} itself.
   */
  public static void listDir(byte[] dir, DirEntryConsumer consumer) {
    listDir(dir, false, consumer);
  }

  /**
   * Like {@link #listDir(byte[], DirEntryConsumer)}; with {@code dirsOnly} only entries whose d_type is
   * DT_DIR or DT_UNKNOWN (the caller must lstat those) are passed on, and no name is copied for the rest.
   */
  public static void listDir(byte[] dir, boolean dirsOnly, DirEntryConsumer consumer) {
    listDir(dir, dirsOnly, (InodeEntryConsumer) (name, type, ino) -> consumer.entry(name, type));
  }

  /** Like {@link #listDir(byte[], DirEntryConsumer)}, with each entry's inode number. */
  public static void listDirInodes(byte[] dir, InodeEntryConsumer consumer) {
    listDir(dir, false, consumer);
  }

  private static void listDir(byte[] dir, boolean dirsOnly, InodeEntryConsumer consumer) {
    int fd = openRaw(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, 0);
    if (fd < 0) throw new NativeException("opendir", -fd, dir);
    // A consumer may list another directory on this thread (the /proc fallback lists each process's
    // fds while it lists /proc): the thread's buffer is then in use, and sharing it would clobber the
    // outer listing mid-parse (entries lost, or a zero record length and a loop without end).
    Dirents own = DIR_BUFFER.get();
    Dirents buf = own.inUse ? new Dirents() : own;
    buf.inUse = true;
    try {
      while (true) {
        long n = call(s -> (long) GETDENTS64.invokeExact(s.errno, fd, buf.seg, buf.seg.byteSize()));
        if (n < 0) throw new NativeException("getdents64", (int) -n, dir);
        if (n == 0) return;
        buf.parse(n, dirsOnly, consumer);
      }
    } finally {
      buf.inUse = false;
      close(fd);
    }
  }

  private static final ThreadLocal<Dirents> DIR_BUFFER = ThreadLocal.withInitial(Dirents::new);

  // ---- metadata and namespace ----

  /** File metadata from lstat(2). */
  public record Stat(int mode, long size, long mtimeSec, long mtimeNsec, long ino, long dev, int uid, int gid, long nlink) {
    public static final int S_IFMT = 0170000;
    public static final int S_IFDIR = 0040000;
    public static final int S_IFREG = 0100000;
    public static final int S_IFLNK = 0120000;

    public boolean isDir() {
      return (mode & S_IFMT) == S_IFDIR;
    }

    public boolean isRegular() {
      return (mode & S_IFMT) == S_IFREG;
    }

    public boolean isSymlink() {
      return (mode & S_IFMT) == S_IFLNK;
    }

    public int permissions() {
      return mode & 07777;
    }

    /** Something may be there that cannot be looked at ({@link #lstatLook}): no type, size 0, one link. */
    public static final Stat UNKNOWN = new Stat(0, 0, 0, 0, 0, 0, -1, -1, 1);
  }

  public static Stat lstat(byte[] path) {
    return existing(lstatOrNull(path), "lstat", path);
  }

  /** stat(2) (follows a symlink); a missing path throws ENOENT with {@code op} as the failed operation. */
  public static Stat stat(byte[] path, String op) {
    return existing(statOrNull(path), op, path);
  }

  private static Stat existing(Stat st, String op, byte[] path) {
    if (st == null) throw new NativeException(op, Errno.ENOENT, path);
    return st;
  }

  /**
   * Whether a listed entry is a directory: its d_type says so, or says {@link #DT_UNKNOWN} (some
   * filesystems never fill it in) and lstat does. Not following a symlink; false when gone or not lookable.
   */
  public static boolean isDir(int dType, byte[] path) {
    if (dType == DT_DIR) return true;
    if (dType != DT_UNKNOWN) return false;
    Stat st = lstatLook(path);
    return st != null && st.isDir();
  }

  /** lstat(2), or null when nothing is there as named (ENOENT; ENOTDIR, ELOOP: a directory on the way is not one now). */
  public static Stat lstatOrNull(byte[] path) {
    return statCall(LSTAT, "lstat", path);
  }

  /**
   * lstat of a path in a tree users make: null where nothing is, {@link Stat#UNKNOWN} where it cannot be looked at (EACCES,
   * beyond PATH_MAX, EIO, ESTALE). Never throws: a user's tree must not stop its watcher; rsync says what it cannot send.
   */
  public static Stat lstatLook(byte[] path) {
    try {
      return lstatOrNull(path);
    } catch (NativeException e) {
      return Stat.UNKNOWN;
    }
  }

  /** stat(2) (follows a symlink), or null when the path does not exist (ENOENT, ENOTDIR). */
  public static Stat statOrNull(byte[] path) {
    return statCall(STAT, "stat", path);
  }

  private static Stat statCall(MethodHandle h, String op, byte[] path) {
    int r = (int) call(s -> (int) h.invokeExact(s.errno, s.cstr1(path), s.stat));
    if (r < 0) {
      if (-r == Errno.ENOENT || -r == Errno.ENOTDIR || -r == Errno.ELOOP && h == LSTAT) return null;
      throw new NativeException(op, -r, path);
    }
    MemorySegment b = scratch().stat;
    if (AARCH64) {
      // asm-generic struct stat: dev(8) ino(8) mode(4) nlink(4) uid(4) gid(4) rdev(8) pad(8) size(8) blksize(4) pad(4) blocks(8) atim(16) mtim(16)
      return new Stat(b.get(JAVA_INT, 16), b.get(JAVA_LONG, 48), b.get(JAVA_LONG, 88), b.get(JAVA_LONG, 96),
          b.get(JAVA_LONG, 8), b.get(JAVA_LONG, 0), b.get(JAVA_INT, 24), b.get(JAVA_INT, 28), b.get(JAVA_INT, 20) & 0xffffffffL);
    }
    // x86_64: dev(8) ino(8) nlink(8) mode(4) uid(4) gid(4) pad(4) rdev(8) size(8) blksize(8) blocks(8) atim(16) mtim(16)
    return new Stat(b.get(JAVA_INT, 24), b.get(JAVA_LONG, 48), b.get(JAVA_LONG, 88), b.get(JAVA_LONG, 96),
        b.get(JAVA_LONG, 8), b.get(JAVA_LONG, 0), b.get(JAVA_INT, 28), b.get(JAVA_INT, 32), b.get(JAVA_LONG, 16));
  }

  public static void rename(byte[] from, byte[] to) {
    int r = (int) call(s -> (int) RENAME.invokeExact(s.errno, s.cstr1(from), s.cstr2(to)));
    if (r < 0) throw new NativeException("rename", -r, from);
  }

  public static void symlink(byte[] target, byte[] link) {
    int r = (int) call(s -> (int) SYMLINK.invokeExact(s.errno, s.cstr1(target), s.cstr2(link)));
    if (r < 0) throw new NativeException("symlink", -r, link);
  }

  public static void unlink(byte[] path) {
    pathCall(UNLINK, "unlink", path);
  }

  public static void rmdir(byte[] path) {
    pathCall(RMDIR, "rmdir", path);
  }

  public static void mkdir(byte[] path, int mode) {
    int r = (int) call(s -> (int) MKDIR.invokeExact(s.errno, s.cstr1(path), mode));
    if (r < 0) throw new NativeException("mkdir", -r, path);
  }

  /** Creates (or truncates) a regular file holding {@code content}: a raw-name counterpart of Files.write. */
  public static void writeFile(byte[] path, byte[] content, int mode) {
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment buf = arena.allocate(Math.max(1, content.length));
      MemorySegment.copy(content, 0, buf, JAVA_BYTE, 0, content.length);
      long done = 0;
      while (done < content.length) {
        long w = write(fd, buf.asSlice(done), content.length - done);
        if (w == -Errno.EINTR) continue;
        if (w < 0) throw new NativeException("write", (int) -w, path);
        done += w;
      }
    } finally {
      close(fd);
    }
  }

  private static void pathCall(MethodHandle h, String op, byte[] path) {
    int r = (int) call(s -> (int) h.invokeExact(s.errno, s.cstr1(path)));
    if (r < 0) throw new NativeException(op, -r, path);
  }

  public static String strerror(int errno) {
    long p = call(s -> ((MemorySegment) STRERROR.invokeExact(s.errno, errno)).address());
    return MemorySegment.ofAddress(p).reinterpret(1024).getString(0, StandardCharsets.UTF_8);
  }
}
