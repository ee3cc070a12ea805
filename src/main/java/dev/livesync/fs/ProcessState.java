package dev.livesync.fs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Whether a process has exited, also one that is not our child: {@link ProcessHandle#isAlive} (and
 * {@code kill -0}) still sees a zombie, which only its parent can reap. A replicator that {@code
 * start} left behind is reparented to PID 1 or a subreaper, which may reap it seconds late (1.8 s
 * seen in a container): its exit is when it became a zombie, not when it was reaped.
 */
public final class ProcessState {
  private ProcessState() {}

  /** Our child: the JVM reaps it (and only then has its exit code), so it is gone when reaped. */
  public static boolean ours(ProcessHandle h) {
    return h.parent().map(p -> p.pid() == ProcessHandle.current().pid()).orElse(false);
  }

  /** True once {@code h} has exited: gone, or a zombie (state Z in /proc/PID/stat). */
  public static boolean exited(ProcessHandle h) {
    if (!h.isAlive()) return true;
    try {
      String stat = Files.readString(Path.of("/proc/" + h.pid() + "/stat"));
      int end = stat.lastIndexOf(')'); // the command name may hold anything, ')' too
      return end > 0 && end + 2 < stat.length() && stat.charAt(end + 2) == 'Z' && h.isAlive(); // same process (isAlive checks its start time)
    } catch (IOException e) {
      return !h.isAlive();
    }
  }

  /** Waits up to {@code grace} for {@code h} to exit: our child through onExit; another process looked at every 10 ms (onExit: 300 ms and more), a zombie counted as exited. */
  static boolean exitWithin(ProcessHandle h, Duration grace) throws InterruptedException {
    long deadline = System.nanoTime() + grace.toNanos();
    if (ours(h)) {
      try {
        h.onExit().get(grace.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
        return true;
      } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
        return !h.isAlive();
      }
    }
    while (!exited(h)) {
      if (System.nanoTime() >= deadline) return false;
      Thread.sleep(10);
    }
    return true;
  }
}
