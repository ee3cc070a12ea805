package dev.livesync.ops;

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
    try {
      Path dir = socket.toAbsolutePath().getParent();
      if (!Files.isDirectory(dir)) {
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      }
      if (Files.exists(socket)) {
        if (StatusClient.answers(socket)) {
          throw new LivesyncException("another livesync is already running (it answers on " + socket + "): 'livesync stop' it first", dev.livesync.Exit.ALREADY_RUNNING);
        }
        Files.delete(socket);
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
