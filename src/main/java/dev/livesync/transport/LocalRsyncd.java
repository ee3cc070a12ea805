package dev.livesync.transport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where an rsync daemon of this host keeps a module: the {@code rsync --daemon} process listening on
 * the port (found through {@code /proc/net/tcp*} and the processes' sockets), its {@code --config}
 * file (default {@code /etc/rsyncd.conf}) and the module's {@code path} there, seen through the
 * daemon's own root ({@code /proc/PID/root}, so a daemon in a chroot or another mount namespace is
 * looked at where it writes). A daemon target on this host can then be compared with its source as a
 * local directory is: a module inside the source is the source copied into itself. Best effort: a
 * daemon started by inetd or systemd's socket (not listening itself), a config that {@code &include}s
 * its modules, or a path with {@code %} substitutions is not known (null). A look is kept for a few
 * seconds: every run of a loopback target asks.
 */
final class LocalRsyncd {
  private LocalRsyncd() {}

  /** A module found: the directory on this host, and how it was found (for messages). */
  record Module(Path dir, String how) {}

  private record Look(long atNanos, Map<String, Module> modules) {}

  private static final long KEEP_NANOS = 5_000_000_000L;
  private static final Map<String, Look> looks = new ConcurrentHashMap<>();

  /** The directory {@code d} writes into when its daemon runs on this host; null when not known. */
  static Module of(Target.Daemon d) {
    long now = System.nanoTime();
    String key = d.host() + " " + d.port();
    Look look = looks.get(key);
    if (look == null || now - look.atNanos() > KEEP_NANOS) {
      look = new Look(now, Overlap.isThisHost(d.host()) ? modules(d.port()) : Map.of());
      looks.put(key, look);
    }
    Module m = look.modules().get(d.module());
    if (m == null) return null;
    return d.path().isEmpty() ? m : new Module(m.dir().resolve(d.path()).normalize(), m.how());
  }

  /** The modules of the rsync daemon listening on {@code port}, by name; empty when none is found. */
  static Map<String, Module> modules(int port) {
    Set<String> sockets = listening(port);
    if (sockets.isEmpty()) return Map.of();
    try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().matches("\\d+"))) {
      for (Path proc : procs) {
        try {
          if (!Files.readString(proc.resolve("comm"), StandardCharsets.ISO_8859_1).strip().equals("rsync")) continue;
          if (!holdsAny(proc, sockets)) continue;
          return fromConfig(proc);
        } catch (IOException | RuntimeException e) {
          // gone meanwhile, or not ours to read
        }
      }
    } catch (IOException e) {
      return Map.of();
    }
    return Map.of();
  }

  /** The inodes of the sockets listening on {@code port}, as {@code socket:[N]}. */
  private static Set<String> listening(int port) {
    Set<String> out = new HashSet<>();
    String hexPort = String.format(Locale.ROOT, ":%04X", port);
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      try {
        for (String line : Files.readAllLines(Path.of(table), StandardCharsets.ISO_8859_1)) {
          String[] f = line.trim().split("\\s+");
          if (f.length > 9 && f[1].endsWith(hexPort) && f[3].equals("0A")) out.add("socket:[" + f[9] + "]");
        }
      } catch (IOException e) {
        // no IPv6, or no /proc
      }
    }
    return out;
  }

  private static boolean holdsAny(Path proc, Set<String> sockets) throws IOException {
    try (DirectoryStream<Path> fds = Files.newDirectoryStream(proc.resolve("fd"))) {
      for (Path fd : fds) {
        try {
          if (sockets.contains(Files.readSymbolicLink(fd).toString())) return true;
        } catch (IOException e) {
          // closed meanwhile
        }
      }
    }
    return false;
  }

  private static Map<String, Module> fromConfig(Path proc) throws IOException {
    String[] argv = Files.readString(proc.resolve("cmdline"), StandardCharsets.UTF_8).split("\0");
    String config = "/etc/rsyncd.conf";
    for (int i = 0; i < argv.length; i++) {
      if (argv[i].startsWith("--config=")) config = argv[i].substring("--config=".length());
      else if (argv[i].equals("--config") && i + 1 < argv.length) config = argv[i + 1];
    }
    Path root = proc.resolve("root");
    Path file = config.startsWith("/") ? root.resolve(config.substring(1)) : proc.resolve("cwd").resolve(config);
    String how = "the rsync daemon of this host listening there (pid " + proc.getFileName() + ", " + config + ")";
    Map<String, Module> out = new HashMap<>();
    for (Map.Entry<String, String> e : paths(Files.readAllLines(file, StandardCharsets.UTF_8)).entrySet()) {
      String p = e.getValue();
      if (p.isEmpty() || p.contains("%") || !p.startsWith("/")) continue;
      out.put(e.getKey(), new Module(root.resolve(p.substring(1)), how));
    }
    return out;
  }

  /**
   * Each module's {@code path} in an rsyncd.conf: parameter names compared as rsync does (case and
   * spaces do not count), continued lines joined, a global {@code path} the default of every module.
   */
  static Map<String, String> paths(List<String> lines) {
    Map<String, String> out = new HashMap<>();
    List<String> joined = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    for (String l : lines) {
      if (l.endsWith("\\")) {
        cur.append(l, 0, l.length() - 1);
        continue;
      }
      joined.add(cur.append(l).toString());
      cur.setLength(0);
    }
    String module = null, global = null;
    for (String raw : joined) {
      String l = raw.strip();
      if (l.isEmpty() || l.startsWith("#") || l.startsWith(";")) continue;
      if (l.startsWith("[") && l.endsWith("]")) {
        module = l.substring(1, l.length() - 1).strip();
        if (global != null) out.put(module, global);
        continue;
      }
      int eq = l.indexOf('=');
      if (eq < 0) continue;
      String name = l.substring(0, eq).replaceAll("\\s", "").toLowerCase(Locale.ROOT);
      if (!name.equals("path")) continue;
      String value = l.substring(eq + 1).strip();
      if (module == null) global = value;
      else out.put(module, value);
    }
    return out;
  }
}
