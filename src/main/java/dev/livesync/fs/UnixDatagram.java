package dev.livesync.fs;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;

/**
 * A Unix datagram socket (AF_UNIX, SOCK_DGRAM) through the FFM API: the JDK's channels speak only
 * SOCK_STREAM on Unix addresses, and systemd's {@code $NOTIFY_SOCKET} is a datagram socket. An
 * address starting with {@code @} is in the abstract namespace (systemd's own notify socket often is).
 * Not thread-safe: one owner at a time.
 */
public final class UnixDatagram implements AutoCloseable {
  private static final int AF_UNIX = 1;
  private static final int SOCK_DGRAM = 2;
  /** The kernel defines it as O_CLOEXEC. */
  private static final int SOCK_CLOEXEC = Libc.O_CLOEXEC;
  private static final int MSG_NOSIGNAL = 0x4000;
  /** sa_family_t (2 bytes) + sun_path[108]. */
  private static final int SOCKADDR_UN_SIZE = 110;
  private static final int MAX_PATH = 108;

  private static final MethodHandle SOCKET = Downcalls.fn("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
  private static final MethodHandle BIND = Downcalls.fn("bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
  private static final MethodHandle SENDTO =
      Downcalls.fn("sendto", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
  private static final MethodHandle RECV = Downcalls.fn("recv", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));

  private final Arena arena = Arena.ofShared();
  private final MemorySegment addr = arena.allocate(SOCKADDR_UN_SIZE, 8);
  private final MemorySegment buf = arena.allocate(64 * 1024, 8);
  private final MemorySegment pollfd;
  private int fd;

  private UnixDatagram(int fd) {
    this.fd = fd;
    this.pollfd = Libc.pollfds(arena, fd);
  }

  /** An unbound datagram socket (close-on-exec: rsync and ssh do not inherit it). */
  public static UnixDatagram open() {
    int fd = (int) Libc.call(c -> (int) SOCKET.invokeExact(c.errno, AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    if (fd < 0) throw new NativeException("socket", -fd, null);
    return new UnixDatagram(fd);
  }

  /** A datagram socket bound to {@code address} (a path, or {@code @name} for the abstract namespace). */
  public static UnixDatagram bind(String address) {
    UnixDatagram s = open();
    try {
      int len = s.address(address);
      int r = (int) Libc.call(c -> (int) BIND.invokeExact(c.errno, s.fd, s.addr, len));
      if (r < 0) throw new NativeException("bind", -r, address.getBytes(StandardCharsets.UTF_8));
      return s;
    } catch (RuntimeException e) {
      s.close();
      throw e;
    }
  }

  /** Sends one datagram to {@code address}; throws (ENOENT, ECONNREFUSED, EAGAIN, ...) when it cannot. */
  public synchronized void send(String address, byte[] message) {
    if (message.length > buf.byteSize()) throw new IllegalArgumentException("datagram too long: " + message.length);
    int len = address(address);
    MemorySegment.copy(message, 0, buf, JAVA_BYTE, 0, message.length);
    long r;
    do {
      r = Libc.call(c -> (long) SENDTO.invokeExact(c.errno, fd, buf, (long) message.length, MSG_NOSIGNAL, addr, len));
    } while (r == -Errno.EINTR);
    if (r < 0) throw new NativeException("sendto", (int) -r, address.getBytes(StandardCharsets.UTF_8));
  }

  /** The next datagram, or null when none arrives within {@code timeoutMillis}. */
  public synchronized byte[] receive(int timeoutMillis) {
    int ready = Libc.poll(pollfd, 1, timeoutMillis);
    if (ready == -Errno.EINTR || ready == 0) return null;
    if (ready < 0) throw new NativeException("poll", -ready, null);
    long n = Libc.call(c -> (long) RECV.invokeExact(c.errno, fd, buf, buf.byteSize(), 0));
    if (n < 0) {
      if (n == -Errno.EINTR || n == -Errno.EAGAIN) return null;
      throw new NativeException("recv", (int) -n, null);
    }
    byte[] out = new byte[(int) n];
    MemorySegment.copy(buf, JAVA_BYTE, 0, out, 0, (int) n);
    return out;
  }

  /** Fills {@link #addr} with a sockaddr_un for {@code address}; returns its length. */
  private int address(String address) {
    boolean abstractName = address.startsWith("@");
    byte[] name = (abstractName ? address.substring(1) : address).getBytes(StandardCharsets.UTF_8);
    if (address.isEmpty() || name.length + 1 > MAX_PATH) {
      throw new NativeException("socket address", Errno.ENAMETOOLONG, address.getBytes(StandardCharsets.UTF_8));
    }
    addr.fill((byte) 0);
    addr.set(JAVA_SHORT, 0, (short) AF_UNIX);
    // abstract: a leading NUL, and the length counts exactly the name's bytes (no terminator)
    MemorySegment.copy(name, 0, addr, JAVA_BYTE, abstractName ? 3 : 2, name.length);
    return 2 + name.length + 1;
  }

  @Override
  public synchronized void close() {
    if (fd < 0) return;
    Libc.close(fd);
    fd = -1;
    arena.close();
  }
}
