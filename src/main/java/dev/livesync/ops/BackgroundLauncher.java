package dev.livesync.ops;

import com.fasterxml.jackson.databind.JsonNode;
import dev.livesync.LivesyncException;
import dev.livesync.fs.ChildProcess;
import dev.livesync.settings.Dirs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code livesync start}: runs a command (normally this same jar's {@code run}) in its own session
 * with output appended to a log file, records its pid, and waits until it says over its status
 * socket that it is running. Fails with the log's tail if it exits or is not ready in time.
 */
public final class BackgroundLauncher {
  /** Names, in the started process's environment, the file its standard output and error append to. */
  public static final String OUTPUT_LOG_ENV = "LIVESYNC_OUTPUT_LOG";
  private static final int TAIL_LINES = 20;
  /** A child that never got to "running" and is stopped: SIGTERM, then SIGKILL after this. */
  private static final Duration STOP_GRACE = Duration.ofSeconds(10);

  private BackgroundLauncher() {}

  /**
   * The java command that runs {@code mainClass} (livesync's CLI, named by the caller: ops sits below cli)
   * with {@code args}, on the same JVM binary and classpath.
   */
  public static List<String> selfCommand(String mainClass, List<String> args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // the same JVM flags as this process (the launcher's: small heap, serial GC, CDS, native access)
    cmd.addAll(java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(a -> !a.startsWith("-agentlib") && !a.startsWith("-javaagent")).toList());
    if (!cmd.contains("--enable-native-access=ALL-UNNAMED")) cmd.add("--enable-native-access=ALL-UNNAMED");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(mainClass);
    cmd.addAll(args);
    return cmd;
  }

  /** Starts {@code command} and returns its pid once its status socket reports "running". */
  public static long start(List<String> command, ServiceFiles files, Duration timeout) {
    if (Files.exists(files.socket()) && StatusClient.listening(files.socket())) {
      throw new LivesyncException("livesync is already running (it answers on " + files.socket() + "); 'livesync stop' first", dev.livesync.Exit.ALREADY_RUNNING);
    }
    ChildProcess p = launch(command, files); // never closed: it is to outlive us
    long pid = p.pid();
    try {
      if (files.pidFile() != null) Files.writeString(files.pidFile(), pid + "\n");
    } catch (IOException e) {
      p.stop(STOP_GRACE);
      throw new LivesyncException("cannot write the pidfile " + files.pidFile() + ": " + e.getMessage(), dev.livesync.Exit.CANNOT_WRITE, e);
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    String lastState = "no answer yet";
    while (true) {
      if (!p.isAlive()) {
        deleteQuietly(files.pidFile());
        throw new LivesyncException("livesync exited with code " + p.exitValue() + " before it was running; last lines of "
            + files.logFile() + ":\n" + tail(files.logFile()), 1);
      }
      try {
        JsonNode doc = StatusClient.document(files.socket());
        lastState = doc.path("state").asText("?");
        if (StatusDocument.RUNNING.equals(lastState)) return pid;
      } catch (IOException e) {
        // not listening yet
      }
      if (System.nanoTime() > deadline) {
        p.stop(STOP_GRACE);
        deleteQuietly(files.pidFile());
        throw new LivesyncException("livesync was not running after " + timeout.toSeconds() + " s (state: " + lastState
            + "); stopped it. Last lines of " + files.logFile() + ":\n" + tail(files.logFile()), 1);
      }
      sleep(100);
    }
  }

  private static ChildProcess launch(List<String> command, ServiceFiles files) {
    List<String> cmd = new ArrayList<>();
    // its own session: the terminal's ^C and hangup do not reach it
    if (Files.isExecutable(Path.of("/usr/bin/setsid"))) cmd.add("/usr/bin/setsid");
    cmd.addAll(command);
    try {
      // as run says of its --log-file: a missing directory is made; one that cannot be, or a file not writable, is 73
      Files.createDirectories(files.logFile().toAbsolutePath().getParent());
      Files.newOutputStream(files.logFile(), java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND).close();
    } catch (IOException e) {
      throw new LivesyncException("cannot write the log file " + files.logFile() + ": check that its directory exists and is writable by this user",
          dev.livesync.Exit.CANNOT_WRITE, e);
    }
    try {
      if (files.pidFile() != null) Dirs.createPrivate(files.pidFile().toAbsolutePath().getParent()); // the runtime dir: 0700
      return ChildProcess.command(cmd).noStdin()
          .stdout(ProcessBuilder.Redirect.appendTo(files.logFile().toFile())).mergeStderr()
          // the child must find the same runtime and state dirs (socket, pidfile) as this process
          .env("LIVESYNC_RUNTIME_DIR", Dirs.runtime().toString())
          .env("LIVESYNC_STATE_DIR", Dirs.state().toString())
          .env("LIVESYNC_LOCK_DIR", Dirs.targetLocks().toString()) // and the same target locks
          // the file its stdout and stderr append to: reopened on SIGHUP after logrotate renamed it
          .env(OUTPUT_LOG_ENV, files.logFile().toAbsolutePath().toString())
          .start();
    } catch (IOException e) {
      throw new LivesyncException("cannot start " + command.getFirst() + ": " + e.getMessage(), 1, e);
    }
  }

  /** The last lines of a log file, for error messages. */
  public static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size()));
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e.getMessage() + ")";
    }
  }

  static void deleteQuietly(Path p) {
    if (p == null) return;
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      // best effort
    }
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LivesyncException("interrupted", dev.livesync.Exit.INTERRUPTED, e);
    }
  }
}
