package dev.livesync.fs;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * A non-blocking notification descriptor (inotify, fanotify) read into one buffer, plus an eventfd
 * another thread writes to wake a blocked {@link #read}. Closing while a read is blocked wakes it,
 * and the last reader out releases the descriptors and the memory (closing the arena under a running
 * native call would throw, and closing the fds could let the kernel hand their numbers to another
 * file while {@code poll} still waits on them). Not thread-safe except {@link #wakeup()} and
 * {@link #close()}.
 */
final class WakeableFd implements AutoCloseable {
  /** Takes the event record at {@code raw[at..]} and returns its length in bytes (0 or less: the rest is unreadable). */
  @FunctionalInterface
  interface Parser {
    int parse(byte[] raw, int at);
  }

  private final int fd;
  private final int wakeFd;
  private final String what;
  private final int size;
  private final Arena arena = Arena.ofShared();
  private final MemorySegment buf;
  private final byte[] raw;
  private final MemorySegment pollfds;
  private final MemorySegment one = arena.allocate(JAVA_LONG);
  private final MemorySegment drain = arena.allocate(JAVA_LONG);
  /** Guards {@link #closed}, the eventfd and the arena against a {@link #wakeup()} racing {@link #close()}. */
  private final Object lifecycle = new Object();
  private boolean closed;
  /** Threads inside {@link #read}: a {@link #close()} meanwhile leaves the release to the last of them. */
  private int readers;

  /** Takes {@code fd} over (closed here if the eventfd cannot be made); {@code what} names it in errors. */
  WakeableFd(int fd, int bufferSize, String what) {
    this.fd = fd;
    this.what = what;
    this.size = bufferSize;
    try {
      wakeFd = Libc.eventfd(0, Libc.O_NONBLOCK | Libc.O_CLOEXEC); // EFD_NONBLOCK, EFD_CLOEXEC: the kernel defines them so
    } catch (RuntimeException e) {
      Libc.close(fd);
      arena.close();
      throw e;
    }
    buf = arena.allocate(bufferSize, 8);
    raw = new byte[bufferSize];
    pollfds = Libc.pollfds(arena, fd, wakeFd);
    one.set(JAVA_LONG, 0, 1L);
  }

  int fd() {
    return fd;
  }

  /**
   * Waits up to {@code timeoutMillis} (negative: forever) for events, then hands each record one read
   * returns to {@code parser}: every record of at least {@code header} bytes, in order. Returns how
   * many, 0 on timeout or {@link #wakeup()}.
   */
  int read(long timeoutMillis, int header, Parser parser) {
    synchronized (lifecycle) {
      if (closed) throw new IllegalStateException(what + " closed");
      readers++;
    }
    try {
      return readOpen(timeoutMillis, header, parser);
    } finally {
      synchronized (lifecycle) {
        if (--readers == 0 && closed) release();
      }
    }
  }

  private int readOpen(long timeoutMillis, int header, Parser parser) {
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
      long n = Libc.read(fd, buf, size);
      if (n == -Errno.EAGAIN || n == -Errno.EINTR) continue;
      if (n < 0) throw new NativeException("read", (int) -n, null);
      MemorySegment.copy(buf, JAVA_BYTE, 0, raw, 0, (int) n);
      return records(raw, (int) n, header, parser);
    }
  }

  private static int records(byte[] raw, int n, int header, Parser parser) {
    int at = 0;
    int count = 0;
    while (at + header <= n) {
      int len = parser.parse(raw, at);
      count++;
      if (len <= 0) break;
      at += len;
    }
    return count;
  }

  /** The little-endian int at {@code i} of {@code raw}. */
  static int intAt(byte[] raw, int i) {
    return (raw[i] & 0xff) | (raw[i + 1] & 0xff) << 8 | (raw[i + 2] & 0xff) << 16 | (raw[i + 3] & 0xff) << 24;
  }

  /** The name in {@code raw[from, limit)}, up to its NUL terminator (the kernel pads names with NULs). */
  static byte[] nameAt(byte[] raw, int from, int limit) {
    int end = from;
    while (end < limit && raw[end] != 0) end++;
    return Arrays.copyOfRange(raw, from, end);
  }

  /**
   * Makes a blocked or the next {@link #read} return at once. Safe from any thread, also during or
   * after {@link #close()} (then it does nothing): a signal handler may wake a watcher that is being
   * closed. Without the lock the write could hit a closed arena (IllegalStateException) or, worse, an
   * eventfd number the kernel already gave to another file.
   */
  void wakeup() {
    synchronized (lifecycle) {
      if (!closed) Libc.write(wakeFd, one, 8); // non-blocking eventfd: never waits while holding the lock
    }
  }

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
