package dev.livesync.fs;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.FunctionDescriptor;
import java.lang.invoke.MethodHandle;

/**
 * One inotify instance: a non-blocking inotify descriptor plus an eventfd so another thread can wake
 * a blocked {@link #read}. Events are parsed from one read buffer ({@code struct inotify_event}:
 * int wd; u32 mask; u32 cookie; u32 len; char name[len]) without allocation except for each name.
 * Not thread-safe except {@link #wakeup()}.
 */
public final class Inotify implements AutoCloseable {
  private static final MethodHandle INIT1 = Downcalls.fn("inotify_init1", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
  private static final MethodHandle ADD_WATCH = Downcalls.fn("inotify_add_watch", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
  private static final MethodHandle RM_WATCH = Downcalls.fn("inotify_rm_watch", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));

  /** Buffer for one read: room for thousands of events, so a burst costs few syscalls. */
  private static final int BUFFER = 256 * 1024;

  /** Receives one event; {@code name} is empty for events on the watched object itself. */
  @FunctionalInterface
  public interface RawEventHandler {
    void event(int wd, int mask, int cookie, byte[] name);
  }

  private final WakeableFd fd;

  private Inotify() {
    int flags = InotifyMask.IN_NONBLOCK | InotifyMask.IN_CLOEXEC;
    int ifd = (int) Libc.call(s -> (int) INIT1.invokeExact(s.errno, flags));
    if (ifd < 0) throw new NativeException("inotify_init1", -ifd, null);
    fd = new WakeableFd(ifd, BUFFER, "inotify instance");
  }

  public static Inotify open() {
    return new Inotify();
  }

  /** Returns the watch descriptor, or throws (ENOSPC names the watch limit). */
  public int addWatch(byte[] path, int mask) {
    int wd = addWatchRaw(path, mask);
    if (wd < 0) throw new NativeException("inotify_add_watch", -wd, path);
    return wd;
  }

  /** The watch descriptor, or minus errno: for hot loops that handle failures themselves. */
  public int addWatchRaw(byte[] path, int mask) {
    int ifd = fd.fd();
    return (int) Libc.call(s -> (int) ADD_WATCH.invokeExact(s.errno, ifd, s.cstr1(path), mask));
  }

  /** Removes a watch; a watch the kernel already dropped (EINVAL) is not an error. */
  public void rmWatch(int wd) {
    int ifd = fd.fd();
    int r = (int) Libc.call(s -> (int) RM_WATCH.invokeExact(s.errno, ifd, wd));
    if (r < 0 && -r != Errno.EINVAL) throw new NativeException("inotify_rm_watch", -r, null);
  }

  /**
   * Waits up to {@code timeoutMillis} (negative: forever) for events, then dispatches what the kernel
   * has, up to one buffer's worth (see {@link WakeableFd#read}). Returns the number of events, 0 on timeout or {@link #wakeup()}.
   */
  public int read(long timeoutMillis, RawEventHandler handler) {
    return fd.read(timeoutMillis, 16, (raw, at) -> event(raw, at, handler));
  }

  /** struct inotify_event {s32 wd; u32 mask; u32 cookie; u32 len; char name[len];}: its length. */
  private static int event(byte[] raw, int at, RawEventHandler handler) {
    int wd = WakeableFd.intAt(raw, at);
    int mask = WakeableFd.intAt(raw, at + 4);
    int cookie = WakeableFd.intAt(raw, at + 8);
    int len = WakeableFd.intAt(raw, at + 12);
    byte[] name = len > 0 ? WakeableFd.nameAt(raw, at + 16, at + 16 + len) : Bytes.EMPTY;
    handler.event(wd, mask, cookie, name);
    return 16 + len;
  }

  /** Reads the kernel's events ahead of {@link #read}'s caller, up to {@code maxBytes} (see {@link WakeableFd#readAhead}). */
  public void readAhead(long maxBytes) {
    fd.readAhead(maxBytes, "inotify-reader");
  }

  /** How far its events have been read. */
  public KernelQueue queue() {
    return fd;
  }

  /** Makes a blocked or the next {@link #read} return at once; safe from any thread, also during or after {@link #close()}. */
  public void wakeup() {
    fd.wakeup();
  }

  /** Releases the instance; a thread blocked in {@link #read} meanwhile is woken and releases it on its way out. */
  @Override
  public void close() {
    fd.close();
  }
}
