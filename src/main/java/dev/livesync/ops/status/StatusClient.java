package dev.livesync.ops.status;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Reads one status document from a running livesync's socket. A livesync answers at once (the
 * document is built per connection), so every request is bounded by {@link #ANSWER_WAIT}: a process
 * that holds the socket but does not answer in that time (stopped with SIGSTOP, hung) is reported as
 * {@link NotAnswering}, never waited for without end.
 */
public final class StatusClient {
  /** How long a request waits for the answer. */
  public static final Duration ANSWER_WAIT = Duration.ofSeconds(5);

  private StatusClient() {}

  /** A process listens on the socket (it accepted the connection, or its backlog is full) but did not answer in time. */
  public static final class NotAnswering extends IOException {
    public NotAnswering(Path socket, Duration waited) {
      super("nothing answered on " + socket + " within " + waited.toSeconds() + " s");
    }
  }

  /** The JSON the process answered with; IOException when nothing listens there ({@link NotAnswering} when it is silent). */
  public static String fetch(Path socket) throws IOException {
    return request(socket, null);
  }

  /** The status document the process answered with; IOException when nothing listens there. */
  public static JsonNode document(Path socket) throws IOException {
    return Json.read(fetch(socket), "the status answer");
  }

  /** The process's JSON answer to {@code line} (null: the status document); IOException when nothing listens there. */
  public static String request(Path socket, String line) throws IOException {
    return request(socket, line, ANSWER_WAIT);
  }

  static String request(Path socket, String line, Duration wait) throws IOException {
    long deadline = System.nanoTime() + wait.toNanos();
    try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX); Selector selector = Selector.open()) {
      c.configureBlocking(false);
      try {
        if (!c.connect(UnixDomainSocketAddress.of(socket))) {
          c.register(selector, SelectionKey.OP_CONNECT);
          if (!await(selector, deadline) || !c.finishConnect()) throw new NotAnswering(socket, wait);
        }
      } catch (IOException e) {
        // a listener whose backlog is full (it accepts nothing): non-blocking connect says EAGAIN
        if (e instanceof NotAnswering || String.valueOf(e.getMessage()).contains("temporarily unavailable")) throw new NotAnswering(socket, wait);
        throw e;
      }
      ByteBuffer req = ByteBuffer.wrap(line == null ? new byte[0] : (line + "\n").getBytes(StandardCharsets.UTF_8));
      SelectionKey key = c.register(selector, SelectionKey.OP_WRITE);
      while (req.hasRemaining()) {
        if (c.write(req) == 0 && !await(selector, deadline)) throw new NotAnswering(socket, wait);
      }
      c.shutdownOutput();
      key.interestOps(SelectionKey.OP_READ);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteBuffer buf = ByteBuffer.allocate(8192);
      while (true) {
        int n = c.read(buf);
        if (n < 0) break;
        if (n > 0) {
          out.write(buf.array(), 0, buf.position());
          buf.clear();
        } else if (!await(selector, deadline)) {
          throw new NotAnswering(socket, wait);
        }
      }
      return out.toString(StandardCharsets.UTF_8).strip();
    }
  }

  /** Waits for the selector's key to be ready until {@code deadline}; false when the time ran out. */
  private static boolean await(Selector selector, long deadline) throws IOException {
    long left = (deadline - System.nanoTime()) / 1_000_000;
    if (left <= 0) return false;
    int n = selector.select(left);
    selector.selectedKeys().clear();
    return n > 0 || System.nanoTime() < deadline;
  }

  /** True when a livesync answers there. */
  public static boolean answers(Path socket) {
    try {
      fetch(socket);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** True when a process listens there, answering or not (a stale socket file refuses the connection). */
  public static boolean listening(Path socket) {
    try {
      fetch(socket);
      return true;
    } catch (NotAnswering e) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
