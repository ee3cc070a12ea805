package dev.livesync.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads /proc for the tests: a process's CPU time, and the argv of every process. */
public final class ProcStat {
  /** USER_HZ: the unit of utime/stime in /proc/PID/stat; 100 on every Linux we run on. */
  private static final long CLOCK_TICKS = 100;

  private ProcStat() {}

  /**
   * CPU time of {@code pid} in ms: utime + stime of all its threads, plus cutime + cstime of the
   * children it has waited for (its rsync runs); -1 when gone.
   */
  public static long cpuMillis(long pid) {
    try {
      String s = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
      // after "pid (comm) ": state=0 ppid=1 ... utime=11 stime=12 cutime=13 cstime=14 (fields 14-17 of proc(5))
      long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
      return ticks * 1000 / CLOCK_TICKS;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** Inodes of the TCP sockets (v4 and v6) in LISTEN state, with their local address as hex "ADDR:PORT". */
  public static java.util.Map<String, String> listeningTcpInodes() {
    java.util.Map<String, String> out = new java.util.HashMap<>();
    for (String table : new String[] {"/proc/net/tcp", "/proc/net/tcp6"}) {
      try {
        for (String line : Files.readAllLines(Path.of(table)).subList(1, Files.readAllLines(Path.of(table)).size())) {
          String[] c = line.trim().split("\\s+");
          if (c.length > 9 && c[3].equals("0A")) out.put(c[9], c[1]);
        }
      } catch (IOException e) {
        // no IPv6
      }
    }
    return out;
  }

  /** Socket inodes held open by {@code pid} (from its fd links "socket:[N]"). */
  public static List<String> socketInodes(long pid) {
    List<String> out = new ArrayList<>();
    try (var fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
      for (Path fd : (Iterable<Path>) fds::iterator) {
        try {
          String t = Files.readSymbolicLink(fd).toString();
          if (t.startsWith("socket:[")) out.add(t.substring(8, t.length() - 1));
        } catch (IOException e) {
          // closed meanwhile
        }
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return out;
  }

  /** The argv of every process we can read, each as its NUL-separated bytes turned into one line (NUL → space). */
  public static List<String> allCommandLines() {
    List<String> out = new ArrayList<>();
    try (var dirs = Files.list(Path.of("/proc"))) {
      for (Path d : (Iterable<Path>) dirs::iterator) {
        if (!d.getFileName().toString().chars().allMatch(Character::isDigit)) continue;
        try {
          byte[] b = Files.readAllBytes(d.resolve("cmdline"));
          out.add(d.getFileName() + ": " + new String(b, StandardCharsets.ISO_8859_1).replace('\0', ' '));
        } catch (IOException e) {
          // exited meanwhile
        }
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return out;
  }
}
