package dev.livesync.transport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;

/**
 * The last few stderr lines of a long-lived ssh helper, read on a virtual thread: reading keeps ssh
 * from blocking on a full pipe, and the lines say why the helper went away when it does.
 */
final class StderrTail {
  private static final int LINES = 5;
  private final ArrayDeque<String> lines = new ArrayDeque<>();

  static StderrTail of(InputStream in) {
    var t = new StderrTail();
    Thread.ofVirtual().name("ssh-stderr").start(() -> t.read(in));
    return t;
  }

  private void read(InputStream in) {
    try (var r = new BufferedReader(new InputStreamReader(in, StandardCharsets.ISO_8859_1))) {
      for (String l; (l = r.readLine()) != null; ) {
        synchronized (lines) {
          if (lines.size() == LINES) lines.removeFirst();
          lines.addLast(l.strip());
        }
      }
    } catch (IOException ignored) {
      // the process is gone
    }
  }

  /** {@code ": line | line"}, or empty when nothing was printed. */
  String suffix() {
    synchronized (lines) {
      return lines.isEmpty() ? "" : ": " + String.join(" | ", lines);
    }
  }
}
