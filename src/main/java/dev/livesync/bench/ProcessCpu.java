package dev.livesync.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** CPU seconds of a process tree from /proc: utime+stime+cutime+cstime of it and its live descendants. */
final class ProcessCpu {
  private static final double TICKS = 100.0; // USER_HZ on Linux

  private ProcessCpu() {}

  static double seconds(ProcessHandle root) {
    double total = ticks(root.pid());
    for (ProcessHandle d : root.descendants().toList()) total += ticks(d.pid());
    return total / TICKS;
  }

  /** Our own JVM (the in-process parts of a run). */
  static double self() {
    return ticks(ProcessHandle.current().pid()) / TICKS;
  }

  private static long ticks(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // fields after "(comm) ": state=0 ... utime=11 stime=12 cutime=13 cstime=14
      return Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
    } catch (IOException | RuntimeException e) {
      return 0; // the process ended between listing and reading
    }
  }
}
