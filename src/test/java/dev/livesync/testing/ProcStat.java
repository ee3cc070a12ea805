package dev.livesync.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads /proc for the tests: a process's CPU time, the argv of every process, listening sockets and
 * who holds them, the inotify instances open.
 */
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

  /** A socket from the kernel's tables: {@code /proc/net/tcp} etc., its local address decoded. */
  public record Socket(String table, String inode, String address, int port) {
    /** {@code 127.0.0.1:873}, {@code [::]:873}. */
    @Override
    public String toString() {
      return table + " " + (address.contains(":") ? "[" + address + "]" : address) + ":" + port + " (inode " + inode + ")";
    }

    public boolean wildcard() {
      return address.equals("0.0.0.0") || address.equals("::");
    }
  }

  /**
   * Sockets that accept from others: TCP (v4, v6) in LISTEN state and UDP (v4, v6) not connected to
   * a peer (state 07, "close": bound, receiving from anyone).
   */
  public static List<Socket> listeningSockets() {
    List<Socket> out = new ArrayList<>();
    for (String table : new String[] {"tcp", "tcp6", "udp", "udp6"}) {
      List<String> lines;
      try {
        lines = Files.readAllLines(Path.of("/proc/net", table));
      } catch (IOException e) {
        continue; // no IPv6
      }
      String state = table.startsWith("tcp") ? "0A" : "07";
      for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
        String[] c = line.trim().split("\\s+");
        if (c.length <= 9 || !c[3].equals(state)) continue;
        if (table.startsWith("udp") && !c[2].endsWith(":0000")) continue; // connected to a peer
        int colon = c[1].lastIndexOf(':');
        out.add(new Socket(table, c[9], dev.livesync.server.Listeners.decode(c[1].substring(0, colon)), Integer.parseInt(c[1].substring(colon + 1), 16)));
      }
    }
    return out;
  }

  /** The listening sockets ({@link #listeningSockets}) held by {@code pid} or any of its descendants. */
  public static List<Socket> listeningSocketsOf(ProcessHandle process) {
    java.util.Set<String> inodes = new java.util.HashSet<>();
    List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
    all.add(process);
    for (ProcessHandle h : all) {
      try {
        inodes.addAll(socketInodes(h.pid()));
      } catch (java.io.UncheckedIOException e) {
        // exited meanwhile
      }
    }
    return listeningSockets().stream().filter(s -> inodes.contains(s.inode())).toList();
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

  /** Inotify instances open on this machine now (fs.inotify.max_user_instances counts them per user; the tests run as root). */
  public static long inotifyInstances() throws IOException {
    long n = 0;
    try (var pids = Files.list(Path.of("/proc"))) {
      for (Path pid : pids.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
        try (var fds = Files.list(pid.resolve("fd"))) {
          for (Path fd : fds.toList()) {
            try {
              if (Files.readSymbolicLink(fd).toString().equals("anon_inode:inotify")) n++;
            } catch (IOException gone) { /* closed meanwhile */ }
          }
        } catch (IOException gone) { /* the process ended */ }
      }
    }
    return n;
  }
}
