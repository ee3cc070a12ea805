package dev.livesync.fs;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * One inotify instance: a non-blocking inotify descriptor plus an eventfd so another thread can wake
 * a blocked {@link #read}. Events are parsed from one read buffer ({@code struct inotify_event}:
 * int wd; u32 mask; u32 cookie; u32 len; char name[len]) without allocation except for each name.
 * Not thread-safe except {@link #wakeup()}.
 */
public final class Inotify implements AutoCloseable {
  /** Buffer for one read: room for thousands of events, so a burst costs few syscalls. */
  private static final int BUFFER = 256 * 1024;

  /** Receives one event; {@code name} is empty for events on the watched object itself. */
  @FunctionalInterface
  public interface RawEventHandler {
    void event(int wd, int mask, int cookie, byte[] name);
  }

  private final int fd;
  private final int wakeFd;
  private final Arena arena = Arena.ofShared();
  private final MemorySegment buf = arena.allocate(BUFFER, 8);
  private final byte[] raw = new byte[BUFFER];
  private final MemorySegment pollfds;
  private final MemorySegment one = arena.allocate(JAVA_LONG);
  private final MemorySegment drain = arena.allocate(JAVA_LONG);
  /** Guards {@link #closed}, the eventfd and the arena against a {@link #wakeup()} racing {@link #close()}. */
  private final Object lifecycle = new Object();
  private boolean closed;
  /** Threads inside {@link #read}: a {@link #close()} meanwhile leaves the release to the last of them. */
  private int readers;

  private Inotify() {
    fd = Libc.inotifyInit(InotifyMask.IN_NONBLOCK | InotifyMask.IN_CLOEXEC);
    try {
      wakeFd = Libc.eventfd(0, 0x800 /* EFD_NONBLOCK */ | 0x80000 /* EFD_CLOEXEC */);
    } catch (RuntimeException e) {
      Libc.close(fd);
      throw e;
    }
    pollfds = Libc.pollfds(arena, fd, wakeFd);
    one.set(JAVA_LONG, 0, 1L);
  }

  public static Inotify open() {
    return new Inotify();
  }

  public int addWatch(byte[] path, int mask) {
    return Libc.inotifyAddWatch(fd, path, mask);
  }

  /** The watch descriptor, or minus errno. */
  public int addWatchRaw(byte[] path, int mask) {
    return Libc.inotifyAddWatchRaw(fd, path, mask);
  }

  public void rmWatch(int wd) {
    Libc.inotifyRmWatch(fd, wd);
  }

  /**
   * Waits up to {@code timeoutMillis} (negative: forever) for events, then dispatches everything one
   * read returns. Returns the number of events, 0 on timeout or {@link #wakeup()}.
   */
  public int read(long timeoutMillis, RawEventHandler handler) {
    synchronized (lifecycle) {
      if (closed) throw new IllegalStateException("inotify instance closed");
      readers++;
    }
    try {
      return readOpen(timeoutMillis, handler);
    } finally {
      synchronized (lifecycle) {
        if (--readers == 0 && closed) release();
      }
    }
  }

  private int readOpen(long timeoutMillis, RawEventHandler handler) {
    int timeout = timeoutMillis < 0 ? -1 : (int) Math.min(timeoutMillis, Integer.MAX_VALUE);
    long deadline = timeout < 0 ? 0 : System.nanoTime() + timeout * 1_000_000L;
    while (true) {
      int r = Libc.poll(pollfds, 2, timeout);
      if (r == -Errno.EINTR) {
        if (timeout >= 0) timeout = (int) Math.max(0, (deadline - System.nanoTime()) / 1_000_000L);
        continue;
      }
      if (r < 0) throw new NativeException("poll", -r, null);
      if (r == 0) return 0;
      if (Libc.revents(pollfds, 1) != 0) Libc.read(wakeFd, drain, 8);
      if (Libc.revents(pollfds, 0) == 0) return 0;
      long n = Libc.read(fd, buf, BUFFER);
      if (n == -Errno.EAGAIN || n == -Errno.EINTR) continue;
      if (n < 0) throw new NativeException("read", (int) -n, null);
      return parse((int) n, handler);
    }
  }

  private int parse(int n, RawEventHandler handler) {
    MemorySegment.copy(buf, JAVA_BYTE, 0, raw, 0, n);
    int at = 0;
    int count = 0;
    while (at + 16 <= n) {
      int wd = intAt(at);
      int mask = intAt(at + 4);
      int cookie = intAt(at + 8);
      int len = intAt(at + 12);
      byte[] name = Bytes.EMPTY;
      if (len > 0) {
        int end = at + 16;
        int limit = at + 16 + len;
        while (end < limit && raw[end] != 0) end++;
        name = new byte[end - (at + 16)];
        System.arraycopy(raw, at + 16, name, 0, name.length);
      }
      handler.event(wd, mask, cookie, name);
      count++;
      at += 16 + len;
    }
    return count;
  }

  private int intAt(int i) {
    return (raw[i] & 0xff) | (raw[i + 1] & 0xff) << 8 | (raw[i + 2] & 0xff) << 16 | (raw[i + 3] & 0xff) << 24;
  }

  /**
   * Makes a blocked or the next {@link #read} return at once. Safe from any thread, also during or
   * after {@link #close()} (then it does nothing): a signal handler may wake a watcher that is being
   * closed. Without the lock the write could hit a closed arena (IllegalStateException) or, worse, an
   * eventfd number the kernel already gave to another file.
   */
  public void wakeup() {
    synchronized (lifecycle) {
      if (!closed) Libc.write(wakeFd, one, 8); // non-blocking eventfd: never waits while holding the lock
    }
  }

  /**
   * Releases the instance. A thread blocked in {@link #read} meanwhile is woken and releases it on
   * its way out (closing the arena under a running native call would throw, and closing the fds could
   * let the kernel hand their numbers to another file while {@code poll} still waits on them).
   */
  @Override
  public void close() {
    synchronized (lifecycle) {
      if (closed) return;
      closed = true;
      if (readers > 0) Libc.write(wakeFd, one, 8);
      else release();
    }
  }

  private void release() {
    Libc.close(fd);
    Libc.close(wakeFd);
    arena.close();
  }
}
