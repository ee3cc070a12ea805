package dev.livesync.fs;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.Arrays;

/**
 * One fanotify group reporting directory file handles and names ({@code FAN_REPORT_DFID_NAME}, Linux
 * 5.9), plus the moved or deleted object's own handle where the kernel has {@code FAN_REPORT_TARGET_FID}
 * (5.17), through the FFM API: a non-blocking descriptor plus an eventfd so another thread can wake a
 * blocked {@link #read}. Each event is parsed from {@code struct fanotify_event_metadata} and its info
 * records ({@code fanotify_event_info_fid}: header, fsid, {@code struct file_handle}, then the name).
 * Not thread-safe except {@link #wakeup()}.
 */
public final class Fanotify implements AutoCloseable {
  public static final int FAN_CLOEXEC = 0x1;
  public static final int FAN_NONBLOCK = 0x2;
  public static final int FAN_CLASS_NOTIF = 0x0;
  public static final int FAN_REPORT_FID = 0x200;
  public static final int FAN_REPORT_DIR_FID = 0x400;
  public static final int FAN_REPORT_NAME = 0x800;
  public static final int FAN_REPORT_TARGET_FID = 0x1000;
  public static final int FAN_REPORT_DFID_NAME = FAN_REPORT_DIR_FID | FAN_REPORT_NAME;

  public static final int FAN_MARK_ADD = 0x1;
  public static final int FAN_MARK_DONT_FOLLOW = 0x4;
  public static final int FAN_MARK_ONLYDIR = 0x8;
  public static final int FAN_MARK_INODE = 0x0;
  public static final int FAN_MARK_FILESYSTEM = 0x100;

  /** The event bits are inotify's where both have them (IN_CREATE == FAN_CREATE, IN_ISDIR == FAN_ONDIR, ...). */
  public static final long FAN_RENAME = 0x10000000L;
  public static final long FAN_EVENT_ON_CHILD = 0x08000000L;
  public static final long FAN_ONDIR = InotifyMask.IN_ISDIR;
  public static final long FAN_Q_OVERFLOW = InotifyMask.IN_Q_OVERFLOW;

  static final int INFO_FID = 1;
  static final int INFO_DFID_NAME = 2;
  static final int INFO_DFID = 3;
  static final int INFO_OLD_DFID_NAME = 10;
  static final int INFO_NEW_DFID_NAME = 12;

  private static final int AT_FDCWD = -100;
  private static final int BUFFER = 256 * 1024;

  private static final MethodHandle INIT = Downcalls.fn("fanotify_init", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
  private static final MethodHandle MARK =
      Downcalls.fn("fanotify_mark", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_INT, ADDRESS));
  private static final MethodHandle OPEN_BY_HANDLE_AT =
      Downcalls.fn("open_by_handle_at", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));

  /** One event: {@code dir} + {@code name} is what it is about; for a rename also {@code oldDir} + {@code oldName}. */
  // Never compared or hashed: each event is handed to one consumer and dropped.
  public record Event(long mask, Handle dir, byte[] name, Handle oldDir, byte[] oldName, Handle target) {}

  /** A file handle with its filesystem id, as the kernel reports it: a map key, and what open_by_handle_at takes. */
  public record Handle(byte[] bytes) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Handle h && Arrays.equals(bytes, h.bytes);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
      return "Handle" + java.util.HexFormat.of().formatHex(bytes);
    }
  }

  /** Receives one parsed event. */
  @FunctionalInterface
  public interface Handler {
    void event(Event e);
  }

  private final WakeableFd fd;
  private final int initFlags;

  private Fanotify(int fd, int initFlags) {
    this.fd = new WakeableFd(fd, BUFFER, "fanotify group");
    this.initFlags = initFlags;
  }

  /**
   * A notification group reporting directory handles and names, with the target's own handle where
   * the kernel has it (FAN_REPORT_TARGET_FID). Throws EINVAL on kernels before 5.9, EPERM without the
   * privilege the kernel wants, or without CAP_DAC_READ_SEARCH (needed to name each event's directory).
   */
  public static Fanotify open() {
    // Each event's directory is named through open_by_handle_at, which needs CAP_DAC_READ_SEARCH: a
    // group made without it (a user, or root whose capabilities were cut) would fail at its first event.
    if (!canOpenHandles()) throw new NativeException("fanotify_init", Errno.EPERM, null);
    int base = FAN_CLASS_NOTIF | FAN_CLOEXEC | FAN_NONBLOCK | FAN_REPORT_DFID_NAME;
    int withTarget = base | FAN_REPORT_FID | FAN_REPORT_TARGET_FID;
    int fd = init(withTarget);
    if (fd == -Errno.EINVAL) return new Fanotify(checked(init(base)), base);
    return new Fanotify(checked(fd), withTarget);
  }

  /** Whether this process may open file handles (CAP_DAC_READ_SEARCH in its effective set, per /proc/self/status). */
  static boolean canOpenHandles() {
    try {
      for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
        if (line.startsWith("CapEff:")) return (Long.parseUnsignedLong(line.substring(7).strip(), 16) & (1L << 2)) != 0;
      }
    } catch (java.io.IOException | NumberFormatException e) {
      return true; // cannot tell: open_by_handle_at will say
    }
    return true;
  }

  private static int checked(int fd) {
    if (fd < 0) throw new NativeException("fanotify_init", -fd, null);
    return fd;
  }

  private static int init(int flags) {
    return (int) Libc.call(s -> (int) INIT.invokeExact(s.errno, flags, Libc.O_RDONLY | Libc.O_CLOEXEC | Libc.O_LARGEFILE));
  }

  /** True when events carry the target's own handle (FAN_REPORT_TARGET_FID). */
  public boolean reportsTarget() {
    return (initFlags & FAN_REPORT_TARGET_FID) != 0;
  }

  /** fanotify_mark(FAN_MARK_ADD | flags, mask, AT_FDCWD, path): 0, or minus errno. */
  public int markRaw(int flags, long mask, byte[] path) {
    int r = (int) Libc.call(s -> (int) MARK.invokeExact(s.errno, fd.fd(), FAN_MARK_ADD | flags, mask, AT_FDCWD, s.cstr1(path)));
    return r < 0 ? r : 0;
  }

  /**
   * Waits up to {@code timeoutMillis} (negative: forever), then dispatches what the kernel has, up
   * to one buffer's worth (see {@link WakeableFd#read}). Returns the number of events, 0 on timeout or {@link #wakeup()}.
   */
  public int read(long timeoutMillis, Handler handler) {
    return fd.read(timeoutMillis, 24, (raw, at) -> event(raw, at, handler));
  }

  /** Reads the kernel's events ahead of {@link #read}'s caller, up to {@code maxBytes} (see {@link WakeableFd#readAhead}). */
  public void readAhead(long maxBytes) {
    fd.readAhead(maxBytes, "fanotify-reader");
  }

  /** How far its events have been read. */
  public KernelQueue queue() {
    return fd;
  }


  /** struct fanotify_event_metadata {u32 event_len; u8 vers; u8 reserved; u16 metadata_len; u64 mask; s32 fd; s32 pid;}: its length. */
  private static int event(byte[] raw, int at, Handler handler) {
    int len = intAt(raw, at);
    int metaLen = (raw[at + 6] & 0xff) | (raw[at + 7] & 0xff) << 8;
    long mask = (intAt(raw, at + 8) & 0xffffffffL) | (long) intAt(raw, at + 12) << 32;
    int eventFd = intAt(raw, at + 16);
    if (eventFd >= 0) Libc.close(eventFd); // not asked for; never leak one
    Handle dir = null, oldDir = null, target = null;
    byte[] name = Bytes.EMPTY, oldName = Bytes.EMPTY;
    for (int i = at + metaLen; i + 4 <= at + len; ) {
      int type = raw[i] & 0xff;
      int infoLen = (raw[i + 2] & 0xff) | (raw[i + 3] & 0xff) << 8;
      if (infoLen < 4) break;
      if (type == INFO_FID || type == INFO_DFID || type == INFO_DFID_NAME || type == INFO_OLD_DFID_NAME || type == INFO_NEW_DFID_NAME) {
        int handleBytes = intAt(raw, i + 12);
        int keyEnd = i + 20 + handleBytes; // fsid(8) handle_bytes(4) handle_type(4) f_handle
        Handle h = new Handle(Arrays.copyOfRange(raw, i + 4, keyEnd));
        byte[] nm = type == INFO_FID || type == INFO_DFID ? Bytes.EMPTY : WakeableFd.nameAt(raw, keyEnd, i + infoLen);
        switch (type) {
          case INFO_FID -> target = h;
          case INFO_OLD_DFID_NAME -> { oldDir = h; oldName = nm; }
          default -> { dir = h; name = nm; }
        }
      }
      i += infoLen;
    }
    handler.event(new Event(mask, dir, name, oldDir, oldName, target));
    return len;
  }

  private static int intAt(byte[] raw, int i) {
    return WakeableFd.intAt(raw, i);
  }

  public void wakeup() {
    fd.wakeup();
  }

  @Override
  public void close() {
    fd.close();
  }

  // ---- handles to paths

  /**
   * The path the handle's object has now, as seen through the mount of {@code mountFd}: open_by_handle_at
   * (O_PATH) then readlink of /proc/self/fd/N. Null when it is gone (ESTALE, ENOENT) or deleted.
   */
  public static byte[] pathOf(int mountFd, Handle h) {
    int fd;
    try (Arena a = Arena.ofConfined()) {
      MemorySegment fh = a.allocate(h.bytes.length - 8L, 8);
      MemorySegment.copy(h.bytes, 8, fh, JAVA_BYTE, 0, h.bytes.length - 8);
      fd = (int) Libc.call(s -> (int) OPEN_BY_HANDLE_AT.invokeExact(s.errno, mountFd, fh, Libc.O_PATH | Libc.O_CLOEXEC));
    }
    if (fd < 0) {
      if (fd == -Errno.EPERM) throw new NativeException("open_by_handle_at", Errno.EPERM, null);
      return null;
    }
    try {
      byte[] p = Libc.readlinkOrNull(Bytes.of("/proc/self/fd/" + fd));
      if (p == null || p.length == 0 || p[0] != '/') return null; // "anon_inode:..." or unreachable from this mount
      if (Bytes.latin1(p).endsWith(" (deleted)") && Libc.lstatLook(p) == null) return null;
      return p;
    } finally {
      Libc.close(fd);
    }
  }
}
