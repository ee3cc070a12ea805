package dev.livesync.events;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One process of a differential test: Debian's inotifywait/inotifywatch, or livesync's drop-in run
 * the way the launcher runs it (same JVM flags and entry point; the test classpath stands in for the
 * jar, which is built only after the tests). Output goes to files; stop() ends it by its pid.
 */
final class ToolRun implements AutoCloseable {
  final String name;
  final Process process;
  final Path out;
  final Path err;

  private ToolRun(String name, Process process, Path out, Path err) {
    this.name = name;
    this.process = process;
    this.out = out;
    this.err = err;
  }

  /** Debian's tool: "inotifywait" or "inotifywatch". */
  static List<String> reference(String tool, List<String> args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(tool);
    cmd.addAll(args);
    return cmd;
  }

  /** livesync's drop-in: "events" or "stats", started like ./livesync does. */
  static List<String> ours(String command, List<String> args) {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED",
        "-XX:+UseSerialGC", "-Xss512k",
        "-Dlivesync.home=" + System.getProperty("livesync.home", "."),
        "-Dlivesync.argv0=livesync", "-cp", System.getProperty("java.class.path"),
        "dev.livesync.cli.Main", command));
    cmd.addAll(args);
    return cmd;
  }

  static ToolRun start(String name, List<String> cmd, Path cwd, Path logDir, Path stdin, Map<String, String> env)
      throws IOException {
    Path out = logDir.resolve(name + ".out");
    Path err = logDir.resolve(name + ".err");
    var pb = new ProcessBuilder(cmd).directory(cwd.toFile())
        .redirectOutput(out.toFile()).redirectError(err.toFile())
        .redirectInput(stdin == null ? ProcessBuilder.Redirect.from(new File("/dev/null"))
            : ProcessBuilder.Redirect.from(stdin.toFile()));
    pb.environment().put("TZ", "UTC");
    pb.environment().put("LC_ALL", "C");
    pb.environment().putAll(env);
    return new ToolRun(name, pb.start(), out, err);
  }

  byte[] stdout() throws IOException {
    return Files.readAllBytes(out);
  }

  String stdoutText() throws IOException {
    return new String(stdout(), StandardCharsets.ISO_8859_1);
  }

  String stderr() throws IOException {
    return Files.readString(err, StandardCharsets.ISO_8859_1);
  }

  boolean alive() {
    return process.isAlive();
  }

  /** Waits for the process to end on its own; fails the test after {@code limit}. */
  int awaitExit(Duration limit) throws InterruptedException {
    if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError(name + " did not exit within " + limit);
    }
    return process.exitValue();
  }

  /** Sends a signal by pid (kill -s NAME pid). */
  void signal(String sig) throws IOException, InterruptedException {
    new ProcessBuilder("kill", "-s", sig, Long.toString(process.pid())).inheritIO().start().waitFor();
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
