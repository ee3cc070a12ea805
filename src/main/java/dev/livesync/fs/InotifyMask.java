package dev.livesync.fs;

/** Kernel inotify bits ({@code <sys/inotify.h>}). */
public final class InotifyMask {
  public static final int IN_ACCESS = 0x00000001;
  public static final int IN_MODIFY = 0x00000002;
  public static final int IN_ATTRIB = 0x00000004;
  public static final int IN_CLOSE_WRITE = 0x00000008;
  public static final int IN_CLOSE_NOWRITE = 0x00000010;
  public static final int IN_CLOSE = IN_CLOSE_WRITE | IN_CLOSE_NOWRITE;
  public static final int IN_OPEN = 0x00000020;
  public static final int IN_MOVED_FROM = 0x00000040;
  public static final int IN_MOVED_TO = 0x00000080;
  public static final int IN_MOVE = IN_MOVED_FROM | IN_MOVED_TO;
  public static final int IN_CREATE = 0x00000100;
  public static final int IN_DELETE = 0x00000200;
  public static final int IN_DELETE_SELF = 0x00000400;
  public static final int IN_MOVE_SELF = 0x00000800;
  public static final int IN_ALL_EVENTS = 0x00000fff;
  public static final int IN_UNMOUNT = 0x00002000;
  public static final int IN_Q_OVERFLOW = 0x00004000;
  public static final int IN_IGNORED = 0x00008000;
  public static final int IN_ONLYDIR = 0x01000000;
  public static final int IN_DONT_FOLLOW = 0x02000000;
  public static final int IN_EXCL_UNLINK = 0x04000000;
  public static final int IN_MASK_CREATE = 0x10000000;
  public static final int IN_MASK_ADD = 0x20000000;
  public static final int IN_ISDIR = 0x40000000;
  public static final int IN_ONESHOT = 0x80000000;

  /** inotify_init1 flags: the kernel defines them as the open(2) flags of the same name. */
  public static final int IN_NONBLOCK = Libc.O_NONBLOCK;
  public static final int IN_CLOEXEC = Libc.O_CLOEXEC;

  private InotifyMask() {}
}
