package dev.livesync.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Reads the kernel's TCP tables to tell whether some socket listens on a port (no connection made). */
final class Listeners {
  private static final String LISTEN = "0A";

  private Listeners() {}

  static boolean listening(int port) {
    return listening(port, Path.of("/proc/net/tcp")) || listening(port, Path.of("/proc/net/tcp6"));
  }

  static boolean listening(int port, Path table) {
    List<String> lines;
    try {
      lines = Files.readAllLines(table);
    } catch (IOException e) {
      return false;
    }
    for (int i = 1; i < lines.size(); i++) {
      String[] f = lines.get(i).trim().split("\\s+");
      if (f.length < 4 || !f[3].equals(LISTEN)) continue;
      int colon = f[1].lastIndexOf(':');
      if (colon > 0 && Integer.parseInt(f[1].substring(colon + 1), 16) == port) return true;
    }
    return false;
  }
}
