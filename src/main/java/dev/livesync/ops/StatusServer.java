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
 */
public final class StatusServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StatusServer.class);

  private final Path socket;
  private final ServerSocketChannel channel;
  private final Supplier<String> json;
  private final Thread thread;
  private volatile boolean closed;

  private StatusServer(Path socket, ServerSocketChannel channel, Supplier<String> json) {
    this.socket = socket;
    this.channel = channel;
    this.json = json;
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
      StatusServer s = new StatusServer(socket, ch, json);
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
          doc = json.get();
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
