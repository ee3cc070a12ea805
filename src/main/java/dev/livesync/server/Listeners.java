package dev.livesync.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Reads the kernel's TCP tables to tell whether some socket listens on a port (no connection made). */
public final class Listeners {
  private static final String LISTEN = "0A";

  private Listeners() {}

  static boolean listening(int port) {
    return !addresses(port).isEmpty();
  }

  /**
   * The local addresses of the TCP sockets listening on {@code port}, as {@code 127.0.0.1:873} or
   * {@code [::]:873} ({@code 0.0.0.0} and {@code ::} are every address of the host).
   */
  static List<String> addresses(int port) {
    List<String> out = new java.util.ArrayList<>();
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      List<String> lines;
      try {
        lines = Files.readAllLines(Path.of(table));
      } catch (IOException e) {
        continue;
      }
      for (int i = 1; i < lines.size(); i++) {
        String[] f = lines.get(i).trim().split("\\s+");
        if (f.length < 4 || !f[3].equals(LISTEN)) continue;
        int colon = f[1].lastIndexOf(':');
        if (colon <= 0 || Integer.parseInt(f[1].substring(colon + 1), 16) != port) continue;
        String a = decode(f[1].substring(0, colon));
        out.add((a.contains(":") ? "[" + a + "]" : a) + ":" + port);
      }
    }
    return out;
  }

  /** The kernel prints an address as 32-bit words in host (little-endian) order, in hex. */
  public static String decode(String hex) {
    byte[] b = new byte[hex.length() / 2];
    for (int w = 0; w < b.length / 4; w++)
      for (int i = 0; i < 4; i++) b[w * 4 + i] = (byte) Integer.parseInt(hex.substring(w * 8 + (3 - i) * 2, w * 8 + (3 - i) * 2 + 2), 16);
    try {
      String a = java.net.InetAddress.getByAddress(b).getHostAddress();
      return a.equals("0:0:0:0:0:0:0:0") ? "::" : a;
    } catch (java.net.UnknownHostException e) {
      return hex;
    }
  }
}
