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
final class WakeableFd implements AutoCloseable, KernelQueue {
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
  /**
   * Read ahead ({@link #readAhead}): what a thread of its own has read from the descriptor and the
   * caller not yet, one kernel read per array (whole records), at most {@link #aheadMax} bytes; all
   * guarded by {@link #lifecycle}. Null when off.
   */
  private java.util.ArrayDeque<Chunk> ahead;
  private long aheadBytes;
  private long aheadMax;
  private boolean woken;
  /** The pump is between a poll that found events and their array in {@link #ahead}. */
  private boolean pumping;
  private RuntimeException aheadFailed;
  /**
   * A read returning this much less than the buffer took every event the kernel held: no record is
   * longer (inotify's: 16 bytes and a name; fanotify's: a file handle and a name, twice for a rename).
   */
  private static final int LONGEST_RECORD = 4096;
  /** See {@link #drainedAtNanos()}. */
  private long drainedAt = Long.MIN_VALUE;
  /**
   * After a read of less than {@link #GATHER_BELOW} bytes, the pump lets the kernel gather events for
   * {@link #GATHER_NANOS} before the next read: under a steady load it woke for every event or two,
   * and its poll, read and hand-over cost more than a tenth of livesync's CPU (a millisecond is
   * nothing beside a batch's delay; the queue holds 16,384 events; a large read reads again at once).
   */
  static final long GATHER_NANOS = 1_000_000, GATHER_BELOW = 16 * 1024;
  /** The pump's last read, in bytes (or its error). */
  private long lastRead;

  /** What one read of the read-ahead thread brought, when, and {@link #drainedAt} once it is handed on. */
  private record Chunk(byte[] bytes, long readAt, long drainedAt) {}

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
   * Waits up to {@code timeoutMillis} (negative: forever) for events, then hands each record of up
   * to a buffer's worth to {@code parser} (one read of the kernel's, or what the read-ahead thread
   * has read so far): every record of at least {@code header} bytes, in order. Returns how many, 0
   * on timeout or {@link #wakeup()}.
   */
  int read(long timeoutMillis, int header, Parser parser) {
    java.util.List<Chunk> chunks;
    synchronized (lifecycle) {
      if (closed) throw new IllegalStateException(what + " closed");
      if (ahead == null) {
        readers++;
        chunks = null;
      } else {
        chunks = takeAhead(timeoutMillis);
        if (chunks.isEmpty()) return 0;
      }
    }
    if (chunks != null) { // parsed outside the lock: the pump goes on reading
      int count = 0;
      for (Chunk c : chunks) {
        drainedAt = Math.max(drainedAt, c.drainedAt());
        count += records(c.bytes(), c.bytes().length, header, parser);
      }
      return count;
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
      long before = System.nanoTime();
      int r = Libc.poll(pollfds, 2, timeout);
      if (r == -Errno.EINTR) {
        if (timeout >= 0) timeout = (int) Math.max(0, (deadline - System.nanoTime()) / 1_000_000L);
        continue;
      }
      if (r < 0) throw new NativeException("poll", -r, null);
      if (r == 0 || Libc.revents(pollfds, 0) == 0) drainedAt = Math.max(drainedAt, before); // nothing to read
      if (r == 0) return 0;
      if (Libc.revents(pollfds, 1) != 0) Libc.read(wakeFd, drain, 8);
      if (Libc.revents(pollfds, 0) == 0) return 0;
      before = System.nanoTime();
      long n = Libc.read(fd, buf, size);
      if (n == -Errno.EAGAIN) drainedAt = Math.max(drainedAt, before);
      if (n == -Errno.EAGAIN || n == -Errno.EINTR) continue;
      if (n < 0) throw new NativeException("read", (int) -n, null);
      if (n <= size - LONGEST_RECORD) drainedAt = Math.max(drainedAt, before);
      MemorySegment.copy(buf, JAVA_BYTE, 0, raw, 0, (int) n);
      return records(raw, (int) n, header, parser);
    }
  }

  /**
   * From now on a thread of its own reads the descriptor as soon as the kernel has events, up to
   * {@code maxBytes} ahead of the caller: the kernel's queue (16,384 events by default) then
   * overflows only when the caller is that far behind, not whenever it is busy for a second while a
   * tool writes thousands of files. Records stay in the kernel's order, each read's whole.
   */
  void readAhead(long maxBytes, String threadName) {
    synchronized (lifecycle) {
      if (closed || ahead != null) return;
      ahead = new java.util.ArrayDeque<>();
      aheadMax = Math.max(size, maxBytes);
      readers++; // the pump is a reader: a close() meanwhile leaves the release to it
    }
    Thread.ofPlatform().daemon().name(threadName).start(this::pump);
  }

  private void pump() {
    try {
      while (true) {
        synchronized (lifecycle) {
          while (!closed && aheadBytes >= aheadMax) lifecycle.wait();
          if (closed) return;
        }
        int r = Libc.poll(pollfds, 2, -1);
        if (r == -Errno.EINTR) continue;
        if (r < 0) throw new NativeException("poll", -r, null);
        if (Libc.revents(pollfds, 1) != 0) Libc.read(wakeFd, drain, 8);
        if (Libc.revents(pollfds, 0) == 0) continue;
        synchronized (lifecycle) {
          pumping = true;
        }
        if (lastRead < GATHER_BELOW) java.util.concurrent.locks.LockSupport.parkNanos(GATHER_NANOS);
        long before = System.nanoTime();
        long n = Libc.read(fd, buf, size);
        lastRead = n;
        byte[] chunk = n > 0 ? new byte[(int) n] : null;
        if (chunk != null) MemorySegment.copy(buf, JAVA_BYTE, 0, chunk, 0, (int) n);
        synchronized (lifecycle) {
          pumping = false;
          if (chunk != null) {
            ahead.add(new Chunk(chunk, before, n <= size - LONGEST_RECORD ? before : Long.MIN_VALUE));
            aheadBytes += n;
          }
          lifecycle.notifyAll();
        }
        if (n == -Errno.EAGAIN || n == -Errno.EINTR) continue;
        if (n < 0) throw new NativeException("read", (int) -n, null);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      synchronized (lifecycle) {
        aheadFailed = e;
        lifecycle.notifyAll();
      }
    } finally {
      synchronized (lifecycle) {
        if (--readers == 0 && closed) release();
      }
    }
  }

  /**
   * The read-ahead arrays there are, up to a buffer's worth (at least one), waiting up to {@code
   * timeoutMillis} (negative: forever) for the first; none on timeout or {@link #wakeup()}. Holds
   * {@link #lifecycle}. With a timeout of 0, what the kernel holds and the pump has not read yet is
   * waited for (briefly): "nothing now" must mean nothing. All of them, not one: the pump reads as
   * soon as the kernel has events, often one or two a read, and a caller that took one array a turn
   * fell a minute behind the kernel under a load of 2,000 files a second.
   */
  private java.util.List<Chunk> takeAhead(long timeoutMillis) {
    boolean now = timeoutMillis == 0;
    long deadline = System.nanoTime() + (now ? 1_000_000_000L : timeoutMillis < 0 ? Long.MAX_VALUE / 2 : timeoutMillis * 1_000_000L);
    while (ahead.isEmpty() && !woken && !closed && aheadFailed == null) {
      if (now && emptied()) return java.util.List.of();
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        emptied();
        return java.util.List.of();
      }
      try {
        lifecycle.wait(Math.max(1, Math.min(left / 1_000_000L, now ? 5 : Long.MAX_VALUE)));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return java.util.List.of();
      }
    }
    woken = false;
    if (aheadFailed != null && ahead.isEmpty()) throw aheadFailed;
    java.util.List<Chunk> out = new java.util.ArrayList<>();
    long bytes = 0;
    for (Chunk c; (c = ahead.peek()) != null && (out.isEmpty() || bytes + c.bytes().length <= size); ) { // none after a close: 0, as a read the close woke
      ahead.poll();
      out.add(c);
      bytes += c.bytes().length;
    }
    if (!out.isEmpty()) {
      aheadBytes -= bytes;
      lifecycle.notifyAll();
    }
    return out;
  }

  /**
   * Whether the kernel holds nothing the read-ahead thread has not handed on (holding {@link
   * #lifecycle}, with {@link #ahead} empty); if so, {@link #drainedAt} moves to now. The thread sets
   * {@link #pumping} under that lock before it reads, so events it has seen are either still in the
   * kernel or already here.
   */
  private boolean emptied() {
    long before = System.nanoTime();
    if (pumping || readable()) return false;
    drainedAt = Math.max(drainedAt, before);
    return true;
  }

  /** Every event the kernel had queued before it has been handed to a {@link #read}'s parser. */
  @Override
  public long drainedAtNanos() {
    return drainedAt;
  }

  /** The oldest events the read-ahead thread has read and no {@link #read} has taken yet. */
  @Override
  public long unreadAgeNanos() {
    synchronized (lifecycle) {
      Chunk oldest = ahead == null ? null : ahead.peek();
      return oldest == null ? 0 : Math.max(1, System.nanoTime() - oldest.readAt());
    }
  }

  /**
   * Whether the read-ahead thread holds every event the kernel had queued: none left in the kernel,
   * none in a read of its. A test's precondition; the engine has no use for it.
   */
  boolean readAheadCaughtUp() {
    synchronized (lifecycle) {
      return ahead != null && !pumping && !readable();
    }
  }

  /** Whether the kernel holds events not read yet (a poll that does not wait). */
  private boolean readable() {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment one = Libc.pollfds(a, fd, fd);
      return Libc.poll(one, 1, 0) > 0 && Libc.revents(one, 0) != 0;
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
      if (closed) return;
      if (ahead != null) {
        woken = true;
        lifecycle.notifyAll();
        return;
      }
      Libc.write(wakeFd, one, 8); // non-blocking eventfd: never waits while holding the lock
    }
  }

  @Override
  public void close() {
    synchronized (lifecycle) {
      if (closed) return;
      closed = true;
      lifecycle.notifyAll(); // a caller waiting for read-ahead, and the pump waiting for room
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
