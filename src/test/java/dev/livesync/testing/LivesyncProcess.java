package dev.livesync.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * {@code livesync ARGS...} in a child JVM: the test's own classes ({@code dev.livesync.cli.Main}),
 * so it runs what the test compiled, not a possibly stale jar. stdout and stderr go to one temp file
 * ({@link #output()}). Signals are sent to the pid ({@code kill -s SIG pid}); {@link #close()} stops
 * the process and its children by handle.
 *
 * <pre>{@code
 * try (var p = LivesyncProcess.start(List.of("run", src, dst, "--state-dir", state))) {
 *   p.awaitOutput(s -> s.contains("running:"), Duration.ofSeconds(30));
 *   p.signal("TERM");
 *   assertThat(p.awaitExit(Duration.ofSeconds(60))).isZero();
 * }
 * }</pre>
 */
public final class LivesyncProcess implements AutoCloseable {
  private final Process process;
  private final Path home;
  private final Path out;

  private LivesyncProcess(Process process, Path home, Path out) {
    this.process = process;
    this.home = home;
    this.out = out;
  }

  public static LivesyncProcess start(List<String> args) {
    return start(args, Map.of());
  }

  public static LivesyncProcess start(List<String> args, Map<String, String> env) {
    return start(List.of(), args, env);
  }

  /**
   * {@code wrapper...} runs the JVM: its last word gets the java command line as its arguments
   * ({@code unshare -m sh -c 'mount --bind A B && exec "$@"' sh}).
   */
  public static LivesyncProcess start(List<String> wrapper, List<String> args, Map<String, String> env) {
    Path home = TempFiles.dir("livesync-proc");
    Path out = home.resolve("output.log");
    List<String> cmd = new ArrayList<>(wrapper);
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(List.of("--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-Xmx256m", "-cp", classPath(), "dev.livesync.cli.Main"));
    cmd.addAll(args);
    var pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile());
    // the tests' target locks (a system property of this JVM), unless the test names its own
    String locks = System.getProperty("livesync.lock.dir");
    if (locks != null) pb.environment().put("LIVESYNC_LOCK_DIR", locks);
    pb.environment().putAll(env);
    try {
      Process p = pb.start();
      p.getOutputStream().close();
      return new LivesyncProcess(p, home, out);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + cmd, e);
    }
  }

  /** Surefire runs tests from a manifest-only jar; its real class path is in this property. */
  private static String classPath() {
    String cp = System.getProperty("surefire.test.class.path");
    return cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path");
  }

  public long pid() {
    return process.pid();
  }

  public ProcessHandle handle() {
    return process.toHandle();
  }

  public boolean alive() {
    return process.isAlive();
  }

  /** Everything the process printed so far (stdout and stderr). */
  public String output() {
    try {
      return Files.readString(out, StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      return "";
    }
  }

  /** Waits until the output satisfies {@code test}; fails with the output when the process exits or the time runs out. */
  public void awaitOutput(Predicate<String> test, Duration timeout) throws InterruptedException {
    Await.until("the expected output", timeout, () -> test.test(output()), () -> !process.isAlive(),
        () -> (process.isAlive() ? "" : "livesync exited (" + process.exitValue() + ")") + ":\n" + output());
  }

  public void awaitOutput(String contains, Duration timeout) throws InterruptedException {
    awaitOutput(o -> o.contains(contains), timeout);
  }

  /** {@code kill -s SIG pid} (TERM, HUP, INT, KILL, STOP, CONT...). */
  public void signal(String sig) {
    Processes.run(List.of("kill", "-s", sig, Long.toString(process.pid())));
  }

  /** The exit code; fails (after killing it) when the process is still running after {@code timeout}. */
  public int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      String o = output();
      Processes.killTree(process);
      throw new AssertionError("livesync still running after " + timeout + ":\n" + o);
    }
    return process.exitValue();
  }

  /** Total CPU time (user + system) of the process so far, from /proc/PID/stat, in milliseconds; -1 once gone. */
  public long cpuMillis() {
    return ProcStat.cpuMillis(process.pid());
  }

  @Override
  public void close() {
    Processes.killTree(process);
    TempFiles.deleteTree(home);
  }
}
