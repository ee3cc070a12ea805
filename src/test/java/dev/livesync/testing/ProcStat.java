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

  /** utime + stime of {@code pid} (all its threads, waited-for children excluded), in ms; -1 when gone. */
  public static long cpuMillis(long pid) {
    try {
      String s = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
      // after "pid (comm) ": state=0 ppid=1 ... utime=11 stime=12 (fields 14 and 15 of proc(5))
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 1000 / CLOCK_TICKS;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
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
