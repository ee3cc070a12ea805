package dev.livesync.events;

import dev.livesync.testing.Await;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Runs Debian's tool and livesync's drop-in side by side on the same directory, so that the same
 * file operations are seen by both at once, and compares what they print. Nothing here sleeps for a
 * fixed time: it waits for "Watches established." (or for the inotify watches to show in
 * /proc/PID/fdinfo when -q hides the message) and then for the outputs to become equal, with a
 * generous deadline after which the test fails showing both outputs.
 */
final class Differential implements AutoCloseable {
  static final Duration DEADLINE = Duration.ofSeconds(40);

  final ToolRun ref;
  final ToolRun ours;

  private Differential(ToolRun ref, ToolRun ours) {
    this.ref = ref;
    this.ours = ours;
  }

  /** Starts {@code inotifywait args} and {@code livesync events args} in {@code cwd}. */
  static Differential inotifywait(Path cwd, Path logs, List<String> args) throws IOException {
    return start("inotifywait", "events", cwd, logs, args, null, Map.of());
  }

  static Differential inotifywatch(Path cwd, Path logs, List<String> args) throws IOException {
    return start("inotifywatch", "stats", cwd, logs, args, null, Map.of());
  }

  /** Like {@link #inotifywait} but with different arguments for each side (e.g. distinct -o files). */
  static Differential startPair(Path cwd, Path logs, List<String> refArgs, List<String> ourArgs) throws IOException {
    ToolRun ref = ToolRun.start("ref", ToolRun.reference("inotifywait", refArgs), cwd, logs, null, Map.of());
    try {
      return new Differential(ref, ToolRun.start("ours", ToolRun.ours("events", ourArgs), cwd, logs, null, Map.of()));
    } catch (IOException | RuntimeException e) {
      ref.close();
      throw e;
    }
  }

  /**
   * Like {@link #inotifywatch}, but ours first and the reference only once ours printed {@code ready}:
   * with {@code -t N} both windows then open together, though our JVM takes longer to start (on a
   * loaded machine longer than N seconds, and the reference had timed out before any operation ran).
   */
  static Differential inotifywatchOursFirst(Path cwd, Path logs, List<String> args, String ready) throws Exception {
    ToolRun ours = ToolRun.start("ours", ToolRun.ours("stats", args), cwd, logs, null, Map.of());
    try {
      awaitStderr(ours, ready);
      ToolRun ref = ToolRun.start("ref", ToolRun.reference("inotifywatch", args), cwd, logs, null, Map.of());
      return new Differential(ref, ours);
    } catch (Exception e) {
      ours.close();
      throw e;
    }
  }

  static Differential start(String tool, String command, Path cwd, Path logs, List<String> args, Path stdin,
      Map<String, String> env) throws IOException {
    ToolRun ref = ToolRun.start("ref", ToolRun.reference(tool, args), cwd, logs, stdin, env);
    ToolRun ours;
    try {
      ours = ToolRun.start("ours", ToolRun.ours(command, args), cwd, logs, stdin, env);
    } catch (IOException | RuntimeException e) {
      ref.close();
      throw e;
    }
    return new Differential(ref, ours);
  }

  /** Waits until both printed {@code marker} on stderr (or ended). */
  Differential awaitStderr(String marker) throws Exception {
    awaitStderr(ref, marker);
    awaitStderr(ours, marker);
    return this;
  }

  static void awaitStderr(ToolRun run, String marker) throws Exception {
    Await.until(run.name + " printing '" + marker + "' or ending", DEADLINE, () -> run.stderr().contains(marker) || !run.alive(), () -> "stderr: " + run.stderr());
  }

  /** Waits until both processes hold at least {@code n} inotify watches (for -q, which prints nothing). */
  Differential awaitWatches(int n) throws Exception {
    awaitWatches(ref.process.pid(), n);
    awaitWatches(ours.process.pid(), n);
    return this;
  }

  static void awaitWatches(long pid, int n) throws Exception {
    Await.value("process " + pid + " holding " + n + " inotify watches", DEADLINE, () -> inotifyWatches(pid), w -> w >= n, w -> w + " watches");
  }

  /** Counts the "inotify wd:" lines in /proc/PID/fdinfo/*. */
  static int inotifyWatches(long pid) {
    int count = 0;
    try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/" + pid + "/fdinfo"))) {
      for (Path fd : fds) {
        try {
          for (String line : Files.readAllLines(fd)) {
            if (line.startsWith("inotify wd:")) count++;
          }
        } catch (IOException e) {
          // fd closed meanwhile
        }
      }
    } catch (IOException e) {
      return -1;
    }
    return count;
  }

  /**
   * Waits until both stdouts (after {@code normalize}) are equal and non-empty, and stay so briefly.
   * Returns the common output; fails with both outputs after the deadline.
   */
  String awaitSameStdout(UnaryOperator<String> normalize) throws Exception {
    return awaitSame(normalize, () -> ref.stdoutText(), () -> ours.stdoutText());
  }

  interface Text {
    String get() throws IOException;
  }

  static String awaitSame(UnaryOperator<String> normalize, Text a, Text b) throws Exception {
    String[] last = {"", ""};
    long[] sameSince = {-1};
    Await.until("both outputs equal (and so for 0.3 s)", DEADLINE, () -> {
      last[0] = normalize.apply(a.get());
      last[1] = normalize.apply(b.get());
      if (last[0].isEmpty() || !last[0].equals(last[1])) {
        sameSince[0] = -1;
        return false;
      }
      if (sameSince[0] < 0) sameSince[0] = System.nanoTime();
      return System.nanoTime() - sameSince[0] > 300_000_000L;
    }, () -> "\n--- inotify-tools:\n" + last[0] + "\n--- livesync:\n" + last[1]);
    return last[0];
  }

  @Override
  public void close() {
    ref.close();
    ours.close();
  }
}
