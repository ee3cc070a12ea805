package dev.livesync.ops.status;

import dev.livesync.LivesyncException;
import dev.livesync.settings.Dirs;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers {@code livesync status} from inside the running replicator: a Unix domain socket (mode
 * 0600, in a 0700 directory) where every connection receives one JSON document and a newline, then
 * EOF. The JSON comes from a supplier called per connection, so it is always current.
 *
 * <p>A client may first send one request line (then end its output): none, or {@code status}, is the
 * status document; any other line goes to the command handler ({@code release-deletes [SYNC]}), whose
 * JSON answer is sent instead. A client that sends nothing and keeps its output open gets the status
 * after {@link #REQUEST_WAIT_MILLIS}.
 */
public final class StatusServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StatusServer.class);

  private final Path socket;
  private final ServerSocketChannel channel;
  static final long REQUEST_WAIT_MILLIS = 300;
  private static final int REQUEST_MAX = 4096;
  private final Supplier<String> json;
  private final java.util.function.Function<String, String> commands;
  private final Thread thread;
  private volatile boolean closed;

  private StatusServer(Path socket, ServerSocketChannel channel, Supplier<String> json, java.util.function.Function<String, String> commands) {
    this.socket = socket;
    this.channel = channel;
    this.json = json;
    this.commands = commands;
    this.thread = Thread.ofPlatform().name("status-server").daemon().unstarted(this::serve);
  }

  /** The default socket: {@code <runtime dir>/livesync.sock}. */
  public static Path defaultSocket() {
    return Dirs.runtime().resolve("livesync.sock");
  }

  /**
   * Binds {@code socket} and starts answering. Fails if another live process answers there; a stale
   * socket file (left by a crash) is replaced.
   */
  public static StatusServer start(Path socket, Supplier<String> json) {
    return start(socket, json, null);
  }

  /** {@link #start(Path, Supplier)} that also answers request lines through {@code commands} (null: none). */
  public static StatusServer start(Path socket, Supplier<String> json, java.util.function.Function<String, String> commands) {
    String refused = pathProblem(socket); // run --check refused it already; the last guard before anything is replaced
    if (refused == null) refused = dirProblem(socket);
    if (refused != null) throw new LivesyncException("cannot open the status socket " + socket + ": " + refused, dev.livesync.Exit.CANNOT_WRITE);
    try {
      Path dir = socket.toAbsolutePath().getParent();
      if (!Files.isDirectory(dir)) {
        Dirs.createPrivate(dir);
      }
      if (Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
        LivesyncException running = alreadyRunning(socket);
        if (running != null) throw running;
        if (!isSocket(socket)) throw new LivesyncException("cannot open the status socket " + socket + ": " + pathProblem(socket), dev.livesync.Exit.CANNOT_WRITE);
        Files.delete(socket); // a stale socket: its livesync is gone
      }
      ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
      ch.bind(UnixDomainSocketAddress.of(socket));
      Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
      StatusServer s = new StatusServer(socket, ch, json, commands);
      s.thread.start();
      return s;
    } catch (IOException e) {
      throw new LivesyncException("cannot open the status socket " + socket + ": " + e.getMessage(), dev.livesync.Exit.CANNOT_WRITE, e);
    }
  }

  public Path socket() {
    return socket;
  }

  /**
   * Asks this server for its document once, as {@code livesync status} would, and waits for the
   * answer however long it takes. The first answer of a process loads and compiles everything that
   * reads the socket, builds the document and writes it: on a busy 2-core machine that took 6 s, more
   * than a client waits ({@link StatusClient#ANSWER_WAIT}), and a healthy livesync was reported as
   * not answering. Call once the syncs are started, before saying the process runs. Returns whether
   * it answered.
   */
  public boolean warm() {
    try {
      StatusClient.request(socket, null, WARM_WAIT);
      return true;
    } catch (IOException e) {
      LOG.debug("status socket: its own first request: {}", e.toString());
      return false;
    }
  }

  private static final java.time.Duration WARM_WAIT = java.time.Duration.ofMinutes(2);

  /** The refusal (75) when another livesync listens on {@code socket} (answering or not); null when none does. */
  public static LivesyncException alreadyRunning(Path socket) {
    if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS) || !StatusClient.listening(socket)) return null; // answering or not: a live process holds it
    return new LivesyncException("another livesync is already running (it answers on " + socket + "): 'livesync stop' it first",
        dev.livesync.Exit.ALREADY_RUNNING);
  }

  /** The longest path a Unix socket may have: {@code sun_path} holds 108 bytes with the closing NUL. */
  static final int MAX_PATH_BYTES = 107;

  /**
   * Why {@code socket} cannot be a status socket's path, as words after it; null when it can. Only a
   * socket (a stale one, left by a livesync that was killed) is ever replaced there: anything else —
   * a file, a directory, a symlink — is refused, never deleted. A path longer than a Unix socket's may
   * be is refused too. {@code run}, {@code run --check} and {@code doctor} say the same.
   */
  public static String pathProblem(Path socket) {
    int bytes = socket.toAbsolutePath().toString().getBytes(StandardCharsets.UTF_8).length;
    if (bytes > MAX_PATH_BYTES) return "is " + bytes + " bytes long; a Unix socket's path may be at most " + MAX_PATH_BYTES + ": choose a shorter one";
    if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS) || isSocket(socket)) return null;
    return "is " + kind(socket) + ", not a socket: livesync only replaces a socket that a stopped livesync left; give a path where nothing is yet";
  }

  /** Why the socket's directory cannot be made (0700) or written, as run would find it; null when it can. */
  public static String dirProblem(Path socket) {
    Path dir = socket.toAbsolutePath().getParent();
    String p = dir == null ? null : dev.livesync.fs.DirProbe.problem(dir);
    return p == null ? null : p.startsWith("it ") ? dir + p.substring(2) : p;
  }

  private static boolean isSocket(Path p) {
    return (mode(p) & 0170000) == 0140000;
  }

  private static int mode(Path p) {
    try {
      return (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  private static String kind(Path p) {
    return switch (mode(p) & 0170000) {
      case 0040000 -> "a directory";
      case 0100000 -> "a regular file";
      case 0120000 -> "a symlink";
      case 0010000 -> "a named pipe";
      case 0020000 -> "a character device";
      case 0060000 -> "a block device";
      default -> "something else";
    };
  }

  private void serve() {
    while (!closed) {
      try (SocketChannel c = channel.accept()) {
        String doc;
        try {
          String request = request(c);
          doc = request.isEmpty() || request.equals("status") ? json.get()
              : commands != null ? commands.apply(request) : "{\"error\":" + Json.quote("unknown request: " + request) + "}";
        } catch (RuntimeException e) {
          LOG.warn("status snapshot failed: {}", e.toString());
          doc = "{\"state\":\"error\",\"error\":" + Json.quote(e.toString()) + "}";
        }
        ByteBuffer out = ByteBuffer.wrap((doc + "\n").getBytes(StandardCharsets.UTF_8));
        while (out.hasRemaining()) c.write(out);
      } catch (IOException e) {
        if (closed) return;
        LOG.debug("status connection: {}", e.toString());
      }
    }
  }

  /** The client's request line ({@code ""}: none, it ended its output or sent nothing for a while). */
  private static String request(SocketChannel c) throws IOException {
    c.configureBlocking(false);
    var in = new java.io.ByteArrayOutputStream();
    try (var selector = java.nio.channels.Selector.open()) {
      c.register(selector, java.nio.channels.SelectionKey.OP_READ);
      long deadline = System.nanoTime() + REQUEST_WAIT_MILLIS * 1_000_000;
      ByteBuffer buf = ByteBuffer.allocate(512);
      read:
      while (in.size() < REQUEST_MAX) {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0 || selector.select(left) == 0) break;
        selector.selectedKeys().clear();
        int n;
        while ((n = c.read(buf)) > 0) {
          for (int i = 0; i < buf.position(); i++) {
            if (buf.get(i) == '\n') {
              in.write(buf.array(), 0, i);
              break read;
            }
          }
          in.write(buf.array(), 0, buf.position());
          buf.clear();
        }
        if (n < 0) break;
      }
    }
    c.configureBlocking(true);
    return in.toString(StandardCharsets.UTF_8).strip();
  }

  @Override
  public void close() {
    closed = true;
    try {
      channel.close();
    } catch (IOException e) {
      // closing anyway
    }
    try {
      Files.deleteIfExists(socket);
    } catch (IOException e) {
      LOG.warn("cannot remove {}: {}", socket, e.toString());
    }
  }
}
