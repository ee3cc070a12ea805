package dev.livesync.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;

/** Loopback ports for test servers. */
public final class FreePort {
  private FreePort() {}

  /** A TCP port on 127.0.0.1 that was free a moment ago (the kernel picked it). */
  public static int find() {
    try (var s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** True when something accepts connections on 127.0.0.1:port. */
  public static boolean accepts(int port) {
    try (var s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Waits until 127.0.0.1:port accepts a connection, failing early when {@code process} dies (the
   * message then carries {@code diagnostics}, e.g. the server's log).
   */
  public static void awaitAccepting(int port, Process process, Duration timeout, java.util.function.Supplier<String> diagnostics)
      throws InterruptedException {
    Await.until("127.0.0.1:" + port + " accepting", timeout, () -> accepts(port), () -> !process.isAlive(),
        () -> (process.isAlive() ? "" : "the server exited with " + process.exitValue()) + ":\n" + diagnostics.get());
  }
}
