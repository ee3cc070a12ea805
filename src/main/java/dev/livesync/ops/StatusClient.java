package dev.livesync.ops;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;

/** Reads one status document from a running livesync's socket. */
public final class StatusClient {
  private StatusClient() {}

  /** The JSON the process answered with; IOException when nothing listens there. */
  public static String fetch(Path socket) throws IOException {
    return request(socket, null);
  }

  /** The status document the process answered with; IOException when nothing listens there. */
  public static JsonNode document(Path socket) throws IOException {
    return Json.read(fetch(socket), "the status answer");
  }

  /** The process's JSON answer to {@code line} (null: the status document); IOException when nothing listens there. */
  public static String request(Path socket, String line) throws IOException {
    try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      c.connect(UnixDomainSocketAddress.of(socket));
      if (line != null) {
        ByteBuffer req = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
        while (req.hasRemaining()) c.write(req);
      }
      c.shutdownOutput();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteBuffer buf = ByteBuffer.allocate(8192);
      while (c.read(buf) >= 0) {
        out.write(buf.array(), 0, buf.position());
        buf.clear();
      }
      return out.toString(StandardCharsets.UTF_8).strip();
    }
  }

  public static boolean answers(Path socket) {
    try {
      fetch(socket);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
