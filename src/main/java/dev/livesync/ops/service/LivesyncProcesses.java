package dev.livesync.ops.service;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Running livesync processes found through /proc, for {@code status} and {@code stop} when the socket
 * they chose does not answer: the process that holds a status socket (listening, though it may not
 * answer: stopped, hung), and the processes running a config file with the sockets they listen on (a
 * reload that changed {@code status_socket} leaves the process on its old one). Only processes whose
 * command line names livesync are returned; a pid is never taken from a name alone.
 */
public final class LivesyncProcesses {
  private static final Path PROC = Path.of("/proc");
  /** {@code __SO_ACCEPTCON} in /proc/net/unix's flags: a listening socket. */
  private static final int ACCEPTCON = 0x10000;

  private LivesyncProcesses() {}

  /** The livesync process listening on {@code socket}, if any. */
  public static Optional<ProcessHandle> holding(Path socket) {
    Set<String> inodes = listening().entrySet().stream().filter(e -> e.getValue().equals(socket.toAbsolutePath().toString()))
        .map(Map.Entry::getKey).collect(Collectors.toSet());
    if (inodes.isEmpty()) return Optional.empty();
    for (ProcessHandle h : livesyncs()) {
      if (socketInodes(h.pid()).stream().anyMatch(inodes::contains)) return Optional.of(h);
    }
    return Optional.empty();
  }

  /** A livesync process running {@code config} ({@code run --config FILE}), if any. */
  public static Optional<ProcessHandle> running(Path config) {
    Path want = config.toAbsolutePath().normalize();
    for (ProcessHandle h : livesyncs()) {
      List<String> args = arguments(h.pid());
      int i = args.indexOf("--config");
      if (!args.contains("run") || i < 0 || i + 1 >= args.size()) continue;
      Path given = Path.of(args.get(i + 1));
      if (!given.isAbsolute()) {
        try {
          given = Files.readSymbolicLink(PROC.resolve(h.pid() + "/cwd")).resolve(given);
        } catch (IOException e) {
          continue;
        }
      }
      if (given.normalize().equals(want)) return Optional.of(h);
    }
    return Optional.empty();
  }

  /** The Unix sockets process {@code pid} listens on. */
  public static List<Path> socketsOf(long pid) {
    Map<String, String> all = listening();
    List<Path> out = new ArrayList<>();
    for (String inode : socketInodes(pid)) {
      String path = all.get(inode);
      if (path != null && path.startsWith("/")) out.add(Path.of(path));
    }
    return out;
  }

  /** Listening Unix sockets with a path: inode to path. */
  private static Map<String, String> listening() {
    Map<String, String> out = new HashMap<>();
    try {
      for (String line : Files.readAllLines(PROC.resolve("net/unix"))) {
        String[] f = line.trim().split("\\s+", 8);
        if (f.length < 8 || f[0].startsWith("Num")) continue;
        try {
          if ((Integer.parseInt(f[3], 16) & ACCEPTCON) != 0) out.put(f[6], f[7]);
        } catch (NumberFormatException e) {
          // not a socket line
        }
      }
    } catch (IOException e) {
      // no /proc: nothing found
    }
    return out;
  }

  /** The inodes of the sockets open in {@code pid} (its fds that link to socket:[N]); empty when they cannot be read. */
  private static List<String> socketInodes(long pid) {
    List<String> out = new ArrayList<>();
    try (DirectoryStream<Path> fds = Files.newDirectoryStream(PROC.resolve(pid + "/fd"))) {
      for (Path fd : fds) {
        try {
          String link = Files.readSymbolicLink(fd).toString();
          if (link.startsWith("socket:[")) out.add(link.substring(8, link.length() - 1));
        } catch (IOException e) {
          // closed meanwhile
        }
      }
    } catch (IOException e) {
      // gone, or not ours to read
    }
    return out;
  }

  private static List<ProcessHandle> livesyncs() {
    return ProcessHandle.allProcesses().filter(h -> h.pid() != ProcessHandle.current().pid()).filter(h -> isLivesync(h.pid())).toList();
  }

  /**
   * Whether {@code pid}'s command line names our main class or jar (a recycled pid must never be
   * killed). Read from /proc itself: ProcessHandle.Info may give none for a long one (a class path).
   */
  static boolean isLivesync(long pid) {
    return arguments(pid).stream().anyMatch(a -> a.contains("dev.livesync") || a.contains("livesync.jar"));
  }

  private static List<String> arguments(long pid) {
    try {
      byte[] raw = Files.readAllBytes(PROC.resolve(pid + "/cmdline"));
      List<String> out = new ArrayList<>();
      int start = 0;
      for (int i = 0; i < raw.length; i++) {
        if (raw[i] == 0) {
          out.add(new String(raw, start, i - start, java.nio.charset.StandardCharsets.UTF_8));
          start = i + 1;
        }
      }
      return out;
    } catch (IOException e) {
      return List.of();
    }
  }
}
